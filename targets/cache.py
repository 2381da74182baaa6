"""Figures computed from approved data (each target's progress and series per plan and year), kept in
Django's cache: Redis in production (CACHE_URL), this process's memory in the embedded mode.

Every entry's key holds a generation number, bumped whenever a value, an assessment, a reference value or
a target is saved or deleted (an approval records values; so do imports and corrections): the next page
then computes afresh, so no page shows figures older than the data. The consolidated report does not use
this: the official report always reads the database itself.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction

from targets.status import estimate_years, observations, plan_progress

logger = logging.getLogger(__name__)

GENERATION = "tien-do:the-he"
TIMEOUT = 6 * 3600  # a safety net only: a change bumps the generation at once
_MISSING = object()


def generation() -> int:
    try:
        current = cache.get(GENERATION)
        if current is None:
            # Never reuse an old number (the key may have been evicted): start from the clock.
            cache.add(GENERATION, time.time_ns(), None)
            current = cache.get(GENERATION)
        return current
    except Exception:  # the cache server is down: pages are computed, not refused
        logger.warning("Không đọc được bộ nhớ đệm", exc_info=True)
        return None


def _bump() -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:  # no generation yet (or it was evicted)
        cache.set(GENERATION, time.time_ns(), None)
    except Exception:
        logger.warning("Không cập nhật được bộ nhớ đệm", exc_info=True)


def data_changed(**kwargs) -> None:
    """Signal receiver: at once (this transaction's own next reads) and again once it commits (others
    may have cached what they read before the commit)."""
    _bump()
    transaction.on_commit(_bump)


def cached(name: str, *parts, compute):
    """`compute()`, kept under `name` and `parts` until the data changes."""
    current = generation()
    if current is None:
        return compute()
    key = ":".join(["tien-do", str(current), name, *map(str, parts)])
    try:
        value = cache.get(key, _MISSING)
    except Exception:
        logger.warning("Không đọc được bộ nhớ đệm", exc_info=True)
        return compute()
    if value is _MISSING:
        value = compute()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.warning("Không ghi được bộ nhớ đệm", exc_info=True)
    return value


def plan_figures(plan, targets, year: int) -> tuple[dict, dict]:
    """(progress, series up to `year`) of the plan's active targets, by target id: what the dashboard,
    the public page and the progress API show. `targets`: the plan's active targets, in any order."""
    return cached(
        "plan", plan.pk, year, compute=lambda: (plan_progress(targets, year), observations(targets, until=year))
    )


def plan_estimates(plan, targets, year: int) -> dict[int, set[int]]:
    """Target id → the years up to `year` whose value is an estimate, marked "(ước)" wherever a value is shown."""
    return cached("uoc", plan.pk, year, compute=lambda: estimate_years(targets, year))
