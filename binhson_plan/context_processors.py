"""Context every page needs, signed in or not."""

from django.conf import settings


def demo_mode(request):
    """Whether the banner saying the data is made up shows (DEMO_MODE, see settings)."""
    return {"demo_mode": settings.DEMO_MODE, "portal_name": settings.PORTAL_NAME}
