"""What reports/ does when targets/ says a plan was loaded (targets/signals.py), connected in ReportsConfig.ready()."""

from reports.cycles.opening import entries_follow_the_plan


def entries_follow(sender, plan, **kwargs) -> int:
    return entries_follow_the_plan(plan)
