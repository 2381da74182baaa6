"""What agencies/ tells the apps above it, which it never imports (the layers: tasks, targets and reports sit on
agencies). A reorganisation moves the plan's tasks and targets and the year's reports of the agencies it ends, but
those live above; so agencies/ sends a signal where it would otherwise call up, and the apps above connect their
receivers in their AppConfig.ready(). `send()` returns each receiver's answer; `answers` adds them up.

- `holdings_asked` (agency, on, lineage): what the agency holds on the day by `lineage`, for the rules of a split
  or a dissolution (reorganising.py): tasks/ answers {"assignments": [...]}, targets/ {"targets": [...]}.
- `reorganisations_recorded` (since, now): reorganisations from `since` were written, changed or removed
  (reorganising.recorded): reports/ brings the cycles due from then to the new organisation and answers its counts.
- `reorganisations_took_effect` (now): the nightly run applied what has come into force (reorganising.take_effect):
  reports/ hands over the kept reports that waited and answers how many.
"""

from django.dispatch import Signal

holdings_asked = Signal()
reorganisations_recorded = Signal()
reorganisations_took_effect = Signal()


def answers(responses: list[tuple[object, dict | None]]) -> dict:
    """The receivers' answers to one `send()`, each a dict, in one dict (a later receiver's key wins)."""
    merged = {}
    for _receiver, answer in responses:
        merged |= answer or {}
    return merged
