"""What tasks/ answers to the signals of agencies/ (agencies/signals.py), connected in TasksConfig.ready()."""

from tasks.models import Assignment


def assignments_held(sender, agency, on, lineage, **kwargs) -> dict:
    """`holdings_asked`: the agency's assignments in the active plans on `on` by `lineage`, in plan order."""
    held = (
        Assignment.objects.filter(section__is_active=True, section__plan__is_active=True)
        .filter(lineage.condition(agency.pk, on))
        .select_related("section")
        .order_by("section__plan", "section__position", "role")
    )
    return {"assignments": list(held)}
