"""What targets/ answers to the signals of agencies/ (agencies/signals.py), connected in TargetsConfig.ready()."""

from targets.models import Target


def targets_held(sender, agency, on, lineage, **kwargs) -> dict:
    """`holdings_asked`: the targets of the active plans the agency owns on `on` by `lineage`, in plan order."""
    owned = (
        Target.objects.filter(is_active=True, plan__is_active=True)
        .filter(lineage.target_condition(agency.pk, on))
        .order_by("plan", "position")
    )
    return {"targets": list(owned)}
