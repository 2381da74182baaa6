"""Recording a reorganisation: the rules it must meet (shared by the data file and the admin), and what
happens on its effective date (staff accounts move to the successor, the old agencies close, the cycles due
from then on expect the new agencies).

Only the rules and the date's consequences live here; who holds a task on a date is agencies/lineage.py. What the
apps above do about a reorganisation (the plan's tasks and targets, the year's reports) they do on the signals of
agencies/signals.py.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from agencies.lineage import Lineage, Step
from agencies.models import (
    ENDING_KINDS,
    Membership,
    MembershipMove,
    Reorganisation,
    ReorganisationKind,
)
from agencies.signals import answers, holdings_asked, reorganisations_recorded, reorganisations_took_effect

K = ReorganisationKind
_DAY = datetime.timedelta(days=1)

# (fewest, most) predecessors and successors of each kind; None: no upper bound
COUNTS = {
    K.RENAME: ((1, 1), (1, 1), "đổi tên cần đúng một đơn vị trước và một đơn vị sau sắp xếp"),
    K.MERGE: ((1, None), (1, 1), "sáp nhập cần ít nhất một đơn vị trước và đúng một đơn vị sau sắp xếp"),
    K.SPLIT: ((1, 1), (2, None), "chia tách cần đúng một đơn vị trước và ít nhất hai đơn vị sau sắp xếp"),
    K.TRANSFER: ((1, 1), (1, None), "chuyển giao cần đúng một đơn vị chuyển đi và ít nhất một đơn vị tiếp nhận"),
    K.DISSOLUTION: ((1, 1), (0, None), "giải thể cần đúng một đơn vị bị giải thể"),
}
MOVING_KINDS = {K.SPLIT, K.TRANSFER, K.DISSOLUTION}
NOBODY = "không có đơn vị tiếp nhận: nêu trong moves hoặc chọn đơn vị tiếp nhận phần còn lại (main)."
NOBODY_DISSOLVED = (
    "không có đơn vị tiếp nhận: nêu trong moves đơn vị tiếp nhận (giải thể không có đơn vị tiếp nhận phần còn lại)."
)


@dataclass
class Move:
    agency: object  # agencies.Agency
    section: object = None  # tasks.Section
    target: object = None  # targets.Target

    @property
    def label(self) -> str:
        return f"nhiệm vụ {self.section.code}" if self.section else f"chỉ tiêu {self.target.code}"


@dataclass
class TypedReorganisation:
    """A reorganisation as typed (in the file or the admin), before it is written."""

    code: str
    kind: str
    effective_on: datetime.date | None
    predecessors: list = field(default_factory=list)  # Agency
    successors: list = field(default_factory=list)
    main: list = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)

    def as_step(self, pk=0) -> Step:
        section_moves, target_moves = {}, {}
        for move in self.moves:
            into, key = (section_moves, move.section.pk) if move.section else (target_moves, move.target.pk)
            into[key] = (*into.get(key, ()), move.agency.pk)
        return Step(
            pk=pk, code=self.code, kind=self.kind, effective_on=self.effective_on, legal_basis="",
            predecessors=tuple(a.pk for a in self.predecessors), successors=tuple(a.pk for a in self.successors),
            main=tuple(a.pk for a in self.main), section_moves=section_moves, target_moves=target_moves,
        )  # fmt: skip


def problems(typed: TypedReorganisation, others: list[Step]) -> list[tuple[str, str]]:
    """Every rule the typed reorganisation breaks, as (field, Vietnamese sentence); `others` are the reorganisations
    already recorded or in the same file (not this one)."""
    p, found = typed, []
    if p.kind not in K.values:
        return [("kind", f"hình thức “{p.kind}” không hợp lệ ({', '.join(K.values)}).")]
    (fewest, most), (s_fewest, s_most), sentence = COUNTS[p.kind]
    if not fewest <= len(p.predecessors) <= (most or len(p.predecessors)):
        found.append(("predecessors", f"{sentence}."))
    if not s_fewest <= len(p.successors) <= (s_most or len(p.successors)):
        found.append(("successors", f"{sentence}."))
    for agency in set(p.predecessors) & set(p.successors):
        found.append(("successors", f"“{agency.code}” vừa là đơn vị trước vừa là đơn vị sau sắp xếp."))
    found += _main_and_moves(p)
    if p.effective_on is None:
        return found
    found += _overlaps(p, others)
    if not found:
        found += _left_with_nobody(p, others)
    return found


def _main_and_moves(p: TypedReorganisation) -> list[tuple[str, str]]:
    found = []
    if p.main and p.kind != K.SPLIT:
        found.append(("main", "chỉ chia tách mới có đơn vị tiếp nhận phần còn lại."))
    if len(p.main) > 1:
        found.append(("main", "chỉ một đơn vị tiếp nhận phần còn lại."))
    for agency in p.main:
        if agency not in p.successors:
            found.append(("main", f"“{agency.code}” không có trong danh sách đơn vị sau sắp xếp."))
    if p.moves and p.kind not in MOVING_KINDS:
        found.append(("moves", "chỉ chia tách, chuyển giao và giải thể mới nêu nhiệm vụ, chỉ tiêu chuyển giao."))
    if p.kind == K.TRANSFER and not p.moves:
        found.append(("moves", "chuyển giao cần nêu ít nhất một nhiệm vụ hoặc chỉ tiêu được chuyển."))
    targets = {}
    for move in p.moves:
        if move.agency not in p.successors:
            found.append(("moves", f"{move.label}: “{move.agency.code}” không có trong danh sách đơn vị sau sắp xếp."))
        if move.target:
            targets.setdefault(move.target.code, []).append(move.agency.code)
    for code, agencies in targets.items():
        if len(agencies) > 1:
            found.append(("moves", f"chỉ tiêu {code} chỉ giao cho một đơn vị (đang giao cho {', '.join(agencies)})."))
    return found


def _overlaps(p: TypedReorganisation, others: list[Step]) -> list[tuple[str, str]]:
    """An agency ends once; nothing is reorganised from or into it from that day; two reorganisations of the
    same agency on the same day would leave the order open."""
    found, on = [], p.effective_on
    ends = p.kind in ENDING_KINDS
    for other in others:
        when, name = f"{other.effective_on:%d/%m/%Y}", f"“{other.code}”"
        for agency in p.predecessors:
            if agency.pk in other.predecessors and other.effective_on == on:
                found.append(("predecessors", f"“{agency.code}” đã có sắp xếp {name} cùng ngày {when}: "
                                              "hai sắp xếp chồng chéo."))  # fmt: skip
            elif other.ends_predecessors and agency.pk in other.predecessors and other.effective_on < on:
                found.append(("predecessors", f"“{agency.code}” đã ngừng hoạt động từ ngày {when} "
                                              f"(sắp xếp {name}): hai sắp xếp chồng chéo."))  # fmt: skip
            elif ends and other.effective_on > on and agency.pk in (*other.predecessors, *other.successors):
                found.append(("predecessors", f"“{agency.code}” còn trong sắp xếp {name} ngày {when}, sau khi "
                                              "ngừng hoạt động: hai sắp xếp chồng chéo."))  # fmt: skip
        for agency in p.successors:
            if other.ends_predecessors and agency.pk in other.predecessors and other.effective_on <= on:
                found.append(("successors", f"“{agency.code}” đã ngừng hoạt động từ ngày {when} "
                                            f"(sắp xếp {name}): hai sắp xếp chồng chéo."))  # fmt: skip
    return found


def _left_with_nobody(p: TypedReorganisation, others: list[Step]) -> list[tuple[str, str]]:
    """What the predecessor holds the day before: a move must name only what it holds, and a split with no main
    successor or a dissolution must leave no task (no lead task, for a dissolution) or target with nobody."""
    if p.kind not in MOVING_KINDS:
        return []
    before = Lineage([o for o in others if o.effective_on < p.effective_on], {})
    eve = p.effective_on - _DAY
    agency = p.predecessors[0]
    held = answers(holdings_asked.send(sender=Reorganisation, agency=agency, on=eve, lineage=before))
    assignments = held.get("assignments", [])  # tasks/receivers.py: the active plans' assignments, in plan order
    targets = held.get("targets", [])  # targets/receivers.py: the active plans' targets, in plan order
    found = []
    held_sections = {a.section_id for a in assignments}
    held_targets = {t.pk for t in targets}
    for move in p.moves:
        if move.section and move.section.pk not in held_sections:
            found.append(("moves", f"{move.label}: “{agency.code}” không chủ trì, phối hợp nhiệm vụ này "
                                   f"vào ngày {eve:%d/%m/%Y}."))  # fmt: skip
        if move.target and move.target.pk not in held_targets:
            found.append(("moves", f"{move.label}: “{agency.code}” không phụ trách chỉ tiêu này "
                                   f"vào ngày {eve:%d/%m/%Y}."))  # fmt: skip
    if p.kind == K.TRANSFER or p.main:
        return found
    named_sections = {m.section.pk for m in p.moves if m.section}
    named_targets = {m.target.pk for m in p.moves if m.target}
    nobody = NOBODY_DISSOLVED if p.kind == K.DISSOLUTION else NOBODY  # only a split has a main successor
    for a in assignments:
        needed = p.kind == K.SPLIT or a.role == "lead"  # a dissolved coordinator's part simply ends
        if needed and a.section_id not in named_sections:
            role = "chủ trì" if a.role == "lead" else "phối hợp"
            found.append(("moves", f"nhiệm vụ {a.section.code} ({role}) của “{agency.code}” {nobody}"))
    for t in targets:
        if t.pk not in named_targets:
            found.append(("moves", f"chỉ tiêu {t.code} của “{agency.code}” {nobody}"))
    return found


def recorded_steps(exclude_codes=(), exclude_pk=None) -> list[Step]:
    """The reorganisations already recorded, except those being (re)written."""
    return [s for s in Lineage.load().steps if s.code not in set(exclude_codes) and s.pk != exclude_pk]


# What happens on the effective date.


@transaction.atomic
def apply(reorganisation: Reorganisation, now=None) -> dict[str, int]:
    """On (or after) its date, once: the old agencies close and name their successor, and their staff accounts
    move to it (a rename, a merge, or a split's main successor), each move recorded. A transfer moves nobody;
    a dissolution's staff stay where they are, for the administrator to place."""
    now = now or timezone.now()
    counts = {"closed": 0, "moved": 0}
    r = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    if r.applied_at or r.effective_on > timezone.localdate(now):
        return counts
    successors = [link.agency for link in r.successor_links.select_related("agency")]
    main = successors[0] if r.kind in (K.RENAME, K.MERGE) else next(
        (link.agency for link in r.successor_links.select_related("agency") if link.is_main), None
    )  # fmt: skip
    if r.ends_predecessors:
        for link in r.predecessor_links.select_related("agency"):
            agency = link.agency
            agency.is_active, agency.successor = False, main or agency.successor
            agency.save(update_fields=["is_active", "successor"])
            counts["closed"] += 1
            if main is None:
                continue
            for membership in Membership.objects.filter(agency=agency).select_related("user"):
                MembershipMove.objects.get_or_create(  # one record per person and reorganisation
                    user=membership.user, reorganisation=r,
                    defaults={"from_agency": agency, "to_agency": main, "moved_at": now},
                )  # fmt: skip
                membership.agency = main
                membership.save(update_fields=["agency"])
                counts["moved"] += 1
    r.applied_at = now
    r.save(update_fields=["applied_at"])
    reorganisation.applied_at = now
    return counts


def apply_due(now=None) -> dict[str, int]:
    """Apply every reorganisation whose date has come and that was not applied yet (daily, and after each
    recording): run by `manage.py apply_reorganisations` (take_effect) and the beat job reports.handover.jobs."""
    totals = {"applied": 0, "closed": 0, "moved": 0}
    today = timezone.localdate(now) if now else timezone.localdate()
    for r in Reorganisation.objects.filter(applied_at__isnull=True, effective_on__lte=today):
        counts = apply(r, now)
        totals["applied"] += 1
        totals["closed"] += counts["closed"]
        totals["moved"] += counts["moved"]
    return totals


def recorded(since: datetime.date, now=None) -> dict[str, int]:
    """After a reorganisation from `since` was written or changed: the cycles due from that day expect that
    year's agencies (the receivers of `reorganisations_recorded`: reports/handover/receivers.py, whose counts come
    back), and whatever has come into force is applied."""
    refreshed = answers(reorganisations_recorded.send(sender=Reorganisation, since=since, now=now))
    return refreshed | apply_due(now)


def take_effect(now=None) -> dict[str, int]:
    """The nightly run by hand (`manage.py apply_reorganisations`): apply what has come into force, then let the
    apps above act on it (`reorganisations_took_effect`: reports/ hands over the kept reports that waited, and
    answers how many as "handed_over")."""
    counts = apply_due(now)
    return counts | answers(reorganisations_took_effect.send(sender=Reorganisation, now=now))
