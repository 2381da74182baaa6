"""The idle end of a session (binhson_plan/settings.py: django-session-timeout) counts from the login: the time is
written with the session the login writes anyway, so the first pages after it write nothing (issue 20)."""

import time

from django_session_timeout.middleware import SESSION_TIMEOUT_KEY


def start_activity_clock(sender, request, user, **kwargs):
    if getattr(request, "session", None) is not None:
        request.session[SESSION_TIMEOUT_KEY] = time.time()
