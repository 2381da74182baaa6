"""What reports/ does when agencies/ says reorganisations were recorded or took effect (agencies/signals.py),
connected in ReportsConfig.ready(). Each receiver answers its counts, which come back to the sender: the admin's
message, the load_reorganisation and apply_reorganisations commands."""

from reports.handover.handing import hand_over_waiting, refresh_cycles


def cycles_refreshed(sender, since, now=None, **kwargs) -> dict[str, int]:
    """`reorganisations_recorded`: the cycles due from `since` expect that year's agencies, and the kept reports
    hand over what they said (cycles, reports_added, reports_removed, reports_handed_over, parts_handed_over)."""
    return refresh_cycles(since, now)


def waiting_handed_over(sender, now=None, **kwargs) -> dict[str, int]:
    """`reorganisations_took_effect`: the kept reports that waited for a reorganisation's date or a holder's report
    are handed over now they can be (handed_over: how many)."""
    return {"handed_over": hand_over_waiting(now)}
