"""Handing a job to Celery once the caller's transaction commits, never failing the caller."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(job, *args) -> dict:
    """Queue a job once the current transaction commits (at once outside one). The returned dict says
    {"queued": True} only once the broker accepted the job, or the job ran in-process (no broker);
    any failure to hand it over is logged and says {"queued": False}, never fatal: what was saved stands
    and the job waits for the next run (a sweep, or the person asking again)."""
    outcome = {"queued": None}

    def send():
        in_process = job.app.conf.task_always_eager
        try:
            job.apply_async(args, retry=False)
        except Exception as exc:
            if in_process:  # ran here and failed: the job recorded its own error where the page shows it
                logger.exception("Việc %s chạy không thành công", job.name)
                outcome["queued"] = True
                return
            # The broker is down (OperationalError), or the transport cannot even load (a missing module
            # such as kombu's `packaging`, a bad URL): either way nothing reached the queue.
            kind = "broker" if isinstance(exc, OperationalError) else type(exc).__name__
            logger.exception("Không đưa được việc %s vào hàng đợi (%s)", job.name, kind)
            outcome["queued"] = False
        else:
            outcome["queued"] = True

    transaction.on_commit(send)
    return outcome
