"""Background jobs of the agencies app: thin, calling one function."""

from celery import shared_task

from agencies.reorganising import apply_due
from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def apply_reorganisations_job() -> int:
    """Each night: reorganisations recorded ahead of their date take effect on it, and kept reports of ended
    agencies go to their successors once these can take them (reports/organisation.py)."""
    from reports.handover.handing import hand_over_waiting

    applied = apply_due()["applied"]
    hand_over_waiting()
    return applied
