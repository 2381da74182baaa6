"""The nightly hand-over, a background job of reports/ (binhson_plan/celery.py finds it; settings' beat runs it)."""

from celery import shared_task

from agencies.reorganising import apply_due
from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES
from reports.handover.handing import hand_over_waiting


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def apply_reorganisations_job() -> int:
    """Each night: reorganisations recorded ahead of their date take effect on it (agencies/reorganising.py), and
    kept reports of ended agencies go to their successors once these can take them (reports/handover/handing.py);
    how many reorganisations took effect."""
    applied = apply_due()["applied"]
    hand_over_waiting()
    return applied
