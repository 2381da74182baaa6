"""What an account's requests write into the portal's own tables, counted against its day's allowance of text
(binhson_plan.allowance.SAVED_TEXT), whatever the page: a row saved is written whole, and again whole into its history
(django-simple-history), its long texts included. Probe 36: a reviewer re-posting a report's unchanged due date wrote
a whole copy of the report (83 kB) a post, 69 GB a day at nginx's pace; corrections of a value in a loop, 7 GB a day.

`binhson_plan.middleware.written_allowance` counts each POST of a signed-in account (`counting`) and refuses the
account's POSTs once the day's allowance is used; a view that says before writing how much it would write, next to
the field (the report's save, `reports.editing.saving.save_report`), counts its own writes (`counted_elsewhere`)."""

import json
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models.signals import post_save

# the portal's own apps: sessions, sign-in records and the like are bounded elsewhere (binhson_plan.middleware, axes)
APPS = frozenset({"agencies", "tasks", "targets", "reports", "operations", "province"})
ROW = 100  # bytes a row costs besides its texts: ids, numbers, dates
_written: ContextVar[list | None] = ContextVar("written", default=None)


@contextmanager
def counting():
    """Counts the bytes of the rows saved within; yields a one-item list holding the total."""
    box = [0]
    token = _written.set(box)
    try:
        yield box
    finally:
        _written.reset(token)


@contextmanager
def counted_elsewhere():
    """The rows saved within are counted by the caller."""
    token = _written.set(None)
    try:
        yield
    finally:
        _written.reset(token)


def row_bytes(instance) -> int:
    """The bytes of a row's texts (character, text and JSON fields), and ROW for the rest."""
    size = ROW
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            size += len(value.encode()) if isinstance(value, str) else 0
        elif isinstance(field, models.JSONField):
            value = getattr(instance, field.attname)
            size += len(json.dumps(value, ensure_ascii=False, default=str).encode()) if value is not None else 0
    return size


def _saved(sender, instance, **kwargs):
    box = _written.get()
    if box is not None and sender._meta.app_label in APPS:
        box[0] += row_bytes(instance)


post_save.connect(_saved, dispatch_uid="binhson_plan.written")
