"""The plan's document tree in memory, with each section's effective lead and coordinating agencies.

Two queries build the whole tree of a plan, for the plan page and the open-data API.
"""

from dataclasses import dataclass, field

from tasks.models import Assignment, Role, Section


@dataclass
class Node:
    section: Section
    children: list["Node"] = field(default_factory=list)
    own_leads: list[Assignment] = field(default_factory=list)
    own_coordinating: list[Assignment] = field(default_factory=list)
    leads: list[Assignment] = field(default_factory=list)
    coordinating: list[Assignment] = field(default_factory=list)
    targets: list = field(default_factory=list)

    @property
    def inherits_leads(self) -> bool:
        return bool(self.leads) and not self.own_leads


def walk(nodes: list[Node]):
    """Every node of the tree, in document order."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def build_tree(plan) -> list[Node]:
    """Return the plan's active parts as nodes, children in document order."""
    sections = list(Section.objects.active().filter(plan=plan).order_by("position"))
    nodes = {section.pk: Node(section) for section in sections}
    assignments = Assignment.objects.filter(section__in=sections).select_related("agency")
    for assignment in assignments.order_by("position"):
        node = nodes[assignment.section_id]
        (node.own_leads if assignment.role == Role.LEAD else node.own_coordinating).append(assignment)
    roots = []
    for section in sections:
        node = nodes[section.pk]
        parent = nodes.get(section.parent_id)
        node.leads = node.own_leads or (parent.leads if parent else [])
        node.coordinating = node.own_coordinating or (parent.coordinating if parent else [])
        (parent.children if parent else roots).append(node)
    return roots
