"""Who holds a task or a target on a date: the plan's own assignment carried through the reorganisations in
force on that date.

The plan's assignments are never rewritten. A `Lineage` holds every reorganisation (one query, and three
more only when there are some) and maps an agency named in the plan to the agencies that hold its part on
a date, in order of the reorganisations' dates:

- rename, merge: everything passes to the successor;
- split: a task or target named in a move passes to the agencies named there, the rest to the main
  successor (none: it lapses, which the checks in agencies/reorganising.py refuse);
- transfer: only what is named passes; the predecessor keeps the rest;
- dissolution: what is named passes; the rest lapses (the checks refuse a lead task or a target left so).

The rest of a reorganisation is the same for every task it does not name, so "does agency X hold this
assignment on D" is a condition on the assignment's agency and on a few named sections: a `Q`, not a list of
ids, and `Section.objects.led_by(x, on=d)` stays one query after the lineage's.
"""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q
from django.utils import timezone

from agencies.models import (
    ENDING_KINDS,
    Reorganisation,
    ReorganisationKind,
    ReorganisationMove,
    ReorganisationSuccessor,
)


@dataclass(frozen=True)
class Step:
    """One reorganisation, as the mapping needs it."""

    pk: int
    code: str
    kind: str
    effective_on: datetime.date
    legal_basis: str
    predecessors: tuple[int, ...]
    successors: tuple[int, ...]
    main: tuple[int, ...]
    section_moves: dict = field(default_factory=dict)  # section id → agency ids that take it
    target_moves: dict = field(default_factory=dict)  # target id → agency ids that take it
    move_labels: tuple = ()  # (agency id, "nhiệm vụ III.2.d.5" or "chỉ tiêu 2025.09"), for the pages
    recorded_at: datetime.datetime | None = None  # when it was recorded (None: being recorded now)

    @property
    def ends_predecessors(self) -> bool:
        return self.kind in ENDING_KINDS

    def takers(self, agency_id: int, section_id=None, target_id=None) -> tuple[int, ...]:
        """Who holds, after this step, what `agency_id` held (a predecessor's part, else itself)."""
        if agency_id not in self.predecessors:
            return (agency_id,)
        named = self.section_moves.get(section_id) if section_id else self.target_moves.get(target_id)
        if named:
            return named
        if self.kind in (ReorganisationKind.RENAME, ReorganisationKind.MERGE):
            return self.successors
        if self.kind == ReorganisationKind.SPLIT:
            return self.main
        if self.kind == ReorganisationKind.TRANSFER:
            return (agency_id,)
        return ()  # dissolution: what nobody was named for lapses


class Lineage:
    """Every reorganisation, in the order they took effect, and the agencies they name."""

    def __init__(self, steps: list[Step], agencies: dict):
        self.steps = sorted(steps, key=lambda s: (s.effective_on, s.pk))
        self.agencies = agencies  # id → Agency, for every agency a reorganisation hands something to
        self.ended = {a: s for s in self.steps if s.ends_predecessors for a in s.predecessors}
        self.reorganised = set(self.ended)  # agencies a reorganisation ended, even one left out by `of_cycle`

    @classmethod
    def load(cls) -> "Lineage":
        """Every reorganisation: one query, and three more when there are any."""
        reorganisations = Reorganisation.objects.prefetch_related(
            "predecessor_links",
            Prefetch("successor_links", queryset=ReorganisationSuccessor.objects.select_related("agency")),
            Prefetch("moves", queryset=ReorganisationMove.objects.select_related("agency", "section", "target")),
        )
        steps, agencies = [], {}
        for r in reorganisations:
            successors = list(r.successor_links.all())
            moves = list(r.moves.all())
            agencies.update({link.agency_id: link.agency for link in successors})
            agencies.update({move.agency_id: move.agency for move in moves})
            section_moves, target_moves = {}, {}
            for move in moves:
                into = section_moves if move.section_id else target_moves
                key = move.section_id or move.target_id
                into[key] = (*into.get(key, ()), move.agency_id)
            steps.append(
                Step(
                    pk=r.pk, code=r.code, kind=r.kind, effective_on=r.effective_on, legal_basis=r.legal_basis,
                    predecessors=tuple(link.agency_id for link in r.predecessor_links.all()),
                    successors=tuple(link.agency_id for link in successors),
                    main=tuple(link.agency_id for link in successors if link.is_main),
                    section_moves=section_moves, target_moves=target_moves,
                    move_labels=tuple((m.agency_id, _label(m)) for m in moves), recorded_at=r.created_at,
                )
            )  # fmt: skip
        return cls(steps, agencies)

    def of_cycle(self, cycle) -> "Lineage":
        """The reorganisations a cycle's reports were made under: every one, except, for a cycle whose entry had
        closed (its `locks_on` passed), those recorded after it closed and after the cycle itself was opened. Its
        dashboard and its consolidated report's outline then read as its reports were made (reports/handover/
        handing.py leaves a closed cycle's reports as they are). A cycle opened after a reorganisation was recorded
        (a year entered afterwards, as the demo's 2025 is) expected its successors from the start: it is read
        with it."""
        locks_on = getattr(cycle, "locks_on", None)
        if not locks_on:
            return self
        closed = timezone.make_aware(datetime.datetime.combine(locks_on + datetime.timedelta(days=1), datetime.time()))
        opened = getattr(cycle, "created_at", None)
        steps = [
            s
            for s in self.steps
            if s.recorded_at is None or s.recorded_at < closed or (opened is not None and s.recorded_at <= opened)
        ]
        if len(steps) == len(self.steps):
            return self
        lineage = Lineage(steps, self.agencies)
        lineage.reorganised = self.reorganised
        return lineage

    def in_force(self, on: datetime.date) -> list[Step]:
        return [step for step in self.steps if step.effective_on <= on]

    def trace(self, agency_id: int, on: datetime.date, section_id=None, target_id=None):
        """(the agencies that hold on `on` what the plan gave `agency_id`, in order; the date it last moved)."""
        current, since = (agency_id,), None
        for step in self.in_force(on):
            taken = []
            for held_by in current:
                taken += [a for a in step.takers(held_by, section_id, target_id) if a not in taken]
            if tuple(taken) != current:
                current, since = tuple(taken), step.effective_on
        return current, since

    def holders(self, agency_id: int, on: datetime.date, section_id=None, target_id=None) -> tuple[int, ...]:
        return self.trace(agency_id, on, section_id, target_id)[0]

    def owners(self, targets, on: datetime.date) -> dict:
        """Target id → the agency that answers for it on `on` (the plan's, or the one a reorganisation gave it to;
        a target has one owner: the checks refuse a move to two). Targets with `responsible_agency` loaded."""
        result = {}
        for target in targets:
            planned = target.responsible_agency_id
            holders = self.holders(planned, on, target_id=target.pk) or (planned,)
            result[target.pk] = target.responsible_agency if holders[0] == planned else self.agencies[holders[0]]
        return result

    def exists_on(self, agency_id: int, on: datetime.date) -> bool:
        """False once a rename, merge, split or dissolution ended the agency."""
        step = self.ended.get(agency_id)
        return step is None or step.effective_on > on

    def condition(self, agency_id: int, on: datetime.date) -> Q:
        """A Q on an assignment (its `agency` and `section`), true when `agency_id` holds it on `on`."""
        return self._condition(agency_id, on, ("agency_id", "section_id"), lambda step: step.section_moves)

    def target_condition(self, agency_id: int, on: datetime.date) -> Q:
        """A Q on a target (its `responsible_agency` and `pk`), true when `agency_id` owns it on `on`."""
        return self._condition(agency_id, on, ("responsible_agency_id", "pk"), lambda step: step.target_moves)

    def _condition(self, agency_id, on, fields, moves_of) -> Q:
        agency_field, key_field = fields
        steps = self.in_force(on)
        if not steps:
            return Q(**{agency_field: agency_id})
        named = sorted({key for step in steps for key in moves_of(step)})
        key_name = "section_id" if key_field == "section_id" else "target_id"

        def holds(source, key):
            return agency_id in self.holders(source, on, **{key_name: key})

        parts = []
        for source in sorted(self._sources(agency_id, steps)):
            named_yes = [key for key in named if holds(source, key)]
            if holds(source, None):  # every part not named in a move, and the named ones that reach it
                named_no = [key for key in named if key not in named_yes]
                q = Q(**{agency_field: source})
                parts.append(q & ~Q(**{f"{key_field}__in": named_no}) if named_no else q)
            elif named_yes:
                parts.append(Q(**{agency_field: source, f"{key_field}__in": named_yes}))
        return reduce(or_, parts) if parts else Q(pk__in=[])

    @staticmethod
    def _sources(agency_id: int, steps: list[Step]) -> set[int]:
        """Every agency whose part could have reached `agency_id` through `steps` (itself included)."""
        sources, changed = {agency_id}, True
        while changed:
            changed = False
            for step in steps:
                gives_to = set(step.successors) | {a for taken in step.section_moves.values() for a in taken}
                gives_to |= {a for taken in step.target_moves.values() for a in taken}
                if gives_to & sources and not set(step.predecessors) <= sources:
                    sources |= set(step.predecessors)
                    changed = True
        return sources

    # What the agency pages and the API say of one agency.

    def agency_ids(self) -> set[int]:
        """Every agency some reorganisation names."""
        return {a for s in self.steps for a in (*s.predecessors, *s.successors, *(a for a, _ in s.move_labels))}

    def became(self, agency_id: int) -> list[Step]:
        """The reorganisations that took something from the agency, in order."""
        return [step for step in self.steps if agency_id in step.predecessors]

    def predecessors_of(self, agency_id: int) -> set[int]:
        """Every agency that ended (renamed, merged, split, dissolved) into `agency_id`, or into one that did,
        whole or in part; not one that only transferred a task and goes on."""
        return self._sources(agency_id, [step for step in self.steps if step.ends_predecessors]) - {agency_id}

    def came_from(self, agency_id: int) -> list[Step]:
        """The reorganisations that gave the agency something, in order."""
        return [
            step for step in self.steps
            if agency_id in step.successors
            or any(agency_id in taken for taken in [*step.section_moves.values(), *step.target_moves.values()])
        ]  # fmt: skip


def _label(move) -> str:
    return f"nhiệm vụ {move.section.code}" if move.section_id else f"chỉ tiêu {move.target.code}"
