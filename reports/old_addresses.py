"""The addresses of reports, consolidated reports and cycles before they carried their plan (`/bao-cao/<id>/…`,
`/tong-hop/<id>/…`, `/ky-bao-cao/<id>/…`), still in e-mails sent and in bookmarks.

A GET is sent on for good (301) to the address under the plan, where access is checked as always; an unknown id is
a 404. A POST is served by the same view as before (no plan to check it against), so that a form opened before the
addresses changed does not lose what was typed."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse


def old_address(view, name: str, model, field: str):
    """The view of the old address of route `name` (reports:<name>), whose id names a `model` object; `field`: the
    lookup of its plan's slug (read in one query)."""

    def moved(request, pk, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, pk=pk, **kwargs)
        slug = model.objects.filter(pk=pk).values_list(field, flat=True).first()
        if slug is None:
            raise Http404
        url = reverse(f"reports:{name}", kwargs={"slug": slug, "pk": pk, **kwargs})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    moved.__name__ = moved.__qualname__ = f"old_{view.__name__}"
    moved.__doc__ = f"The old address of {view.__name__}: see the module."
    return moved
