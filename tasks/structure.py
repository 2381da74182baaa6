"""The plan's document tree in memory, with each section's effective lead and coordinating agencies.

The plan's assignments are kept as written; on a date, each is held by the agencies the reorganisations in
force then hand it to (agencies/lineage.py). Three queries build the whole tree of a plan (sections,
assignments, the lineage; three more when reorganisations exist), for the plan page, the consolidated report
and the open-data API.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from agencies.lineage import Lineage
from tasks.models import Assignment, Role, Section


@dataclass
class Held:
    """An assignment of the plan as held on a date: by the agency it names, or by its successor."""

    planned: Assignment
    agency: object  # agencies.Agency
    since: datetime.date | None = None  # the reorganisation that moved it here, when it moved
    scope: str = ""
    replaces: list = field(default_factory=list)  # the agencies the plan names here that it took over

    def __post_init__(self):
        if self.is_moved:
            self.replaces = [self.planned.agency]

    @property
    def agency_id(self) -> int:
        return self.agency.pk

    @property
    def section(self) -> Section:
        return self.planned.section

    @property
    def section_id(self) -> int:
        return self.planned.section_id

    @property
    def role(self) -> str:
        return self.planned.role

    @property
    def is_moved(self) -> bool:
        return self.agency.pk != self.planned.agency_id


@dataclass
class Node:
    section: Section
    children: list["Node"] = field(default_factory=list)
    own_leads: list[Held] = field(default_factory=list)
    own_coordinating: list[Held] = field(default_factory=list)
    leads: list[Held] = field(default_factory=list)
    coordinating: list[Held] = field(default_factory=list)
    planned_leads: list[Assignment] = field(default_factory=list)  # as the plan names them
    planned_coordinating: list[Assignment] = field(default_factory=list)
    targets: list = field(default_factory=list)

    @property
    def inherits_leads(self) -> bool:
        return bool(self.leads) and not self.own_leads


def walk(nodes: list[Node]):
    """Every node of the tree, in document order."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def held(assignments, on: datetime.date, lineage: Lineage) -> list[Held]:
    """Who holds each of these assignments (agency loaded) on `on`, in the plan's order: one agency once per
    section and role (two merged offices coordinating a task become one coordinator, with both scopes), and
    an agency that leads a section is not also listed as coordinating it."""
    result: dict[tuple, Held] = {}
    for a in assignments:
        holders, since = lineage.trace(a.agency_id, on, section_id=a.section_id)
        for agency_id in holders:
            agency = a.agency if agency_id == a.agency_id else lineage.agencies[agency_id]
            key = (a.section_id, a.role, agency_id)
            if key in result:
                scopes = [s for s in (result[key].scope, a.scope) if s]
                result[key].scope = "; ".join(dict.fromkeys(scopes))
                if agency_id != a.agency_id:
                    result[key].replaces.append(a.agency)
            else:
                result[key] = Held(a, agency, since, a.scope)
    leading = {(h.section_id, h.agency_id) for h in result.values() if h.role == Role.LEAD}
    return [h for h in result.values() if h.role == Role.LEAD or (h.section_id, h.agency_id) not in leading]


def build_tree(plan, on: datetime.date | None = None, lineage: Lineage | None = None) -> list[Node]:
    """Return the plan's active parts as nodes, children in document order, with the agencies of `on`
    (default: today). Inheritance follows the plan's text: a section the plan assigns keeps its own."""
    on = on or timezone.localdate()
    sections = list(Section.objects.active().filter(plan=plan).order_by("position"))
    nodes = {section.pk: Node(section) for section in sections}
    assignments = list(Assignment.objects.filter(section__in=sections).select_related("agency").order_by("position"))
    for assignment in assignments:
        assignment.section = nodes[assignment.section_id].section  # no query when a Held asks for it
        node = nodes[assignment.section_id]
        (node.planned_leads if assignment.role == Role.LEAD else node.planned_coordinating).append(assignment)
    lineage = lineage or Lineage.load()
    for h in held(assignments, on, lineage):
        node = nodes[h.section_id]
        (node.own_leads if h.role == Role.LEAD else node.own_coordinating).append(h)
    roots, coordinating = [], {}  # section id → coordinators as inherited, before those leading it are left out
    for section in sections:
        node = nodes[section.pk]
        parent = nodes.get(section.parent_id)
        node.leads = node.own_leads if node.planned_leads else (parent.leads if parent else [])
        coordinating[section.pk] = node.own_coordinating if node.planned_coordinating else (
            coordinating.get(section.parent_id, [])
        )  # fmt: skip
        leading = {h.agency_id for h in node.leads}  # who leads the section does not also coordinate it (a merge)
        node.coordinating = [h for h in coordinating[section.pk] if h.agency_id not in leading]
        (parent.children if parent else roots).append(node)
    return roots
