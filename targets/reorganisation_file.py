"""The reorganisation data file (YAML): read and checked whole first, like the plan file (targets/plan_file.py),
every problem reported with the file, the entry and the field; then written in one transaction, matched by
codes, so loading it twice changes nothing.

    plan: binh-son-ctdt-2021-2030       # whose sections and targets `moves` name
    agencies:                            # agencies the reorganisations create
      - {code: SNNMT, name: Sở Nông nghiệp và Môi trường, short_name: Sở NN&MT, kind: provincial}
    reorganisations:
      - code: 2025-nnptnt
        kind: split                      # rename, merge, split, transfer, dissolution
        effective_on: 2025-07-01
        legal_basis: Quyết định số …
        predecessors: [NNPTNT]
        successors: [SNNMT, UBND-XA-MOI]
        main: SNNMT                      # a split: who takes what is not named, and the staff
        moves:
          - {section: III.2.d.5, to: UBND-XA-MOI}
          - {target: "2025.09", to: UBND-XA-MOI}
    report_issuers:                      # who issues and signs the plan's consolidated report from a year on
      - from_year: 2025
        issuing_body: Ủy ban nhân dân xã …
        place: Bình Sơn                  # before the date: "Bình Sơn, ngày …"
        signer_authority: KT. CHỦ TỊCH   # optional
        signer_position: PHÓ CHỦ TỊCH
        signer_name: …
        recipients: [Ủy ban nhân dân tỉnh Quảng Ngãi, "Lưu: VT."]   # optional: else the usual list
        document_symbol: BC-UBND         # optional
        reviewing_body: Văn phòng HĐND và UBND xã …   # optional: who reviews the agencies' reports; else
                                         # "Văn phòng" of the issuing body
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from agencies.models import (
    Agency,
    AgencyKind,
    Reorganisation,
    ReorganisationKind,
    ReorganisationMove,
    ReorganisationPredecessor,
    ReorganisationSuccessor,
)
from agencies.reorganising import Move, TypedReorganisation, problems, recorded, recorded_steps
from binhson_plan.dates import DateError, YamlDatesAsText, parse_day
from binhson_plan.yaml_files import CODE, DATE, DICT, INT, LIST, TEXT, FieldChecker, nfc
from tasks.models import Plan, ReportIssuer

FILE_FIELDS = {"plan": (TEXT, False), "agencies": (LIST, False), "reorganisations": (LIST, True),
               "report_issuers": (LIST, False)}  # fmt: skip
ISSUER_FIELDS = {
    "from_year": (INT, True), "issuing_body": (TEXT, True), "place": (TEXT, True), "signer_authority": (TEXT, False),
    "signer_position": (TEXT, True), "signer_name": (TEXT, True), "recipients": (LIST, False),
    "document_symbol": (TEXT, False), "reviewing_body": (TEXT, False),
}  # fmt: skip
AGENCY_FIELDS = {"code": (TEXT, True), "name": (TEXT, True), "short_name": (TEXT, True), "symbol": (TEXT, False),
                 "kind": (TEXT, True), "governing_body": (TEXT, False)}  # fmt: skip
REORGANISATION_FIELDS = {
    "code": (TEXT, True), "kind": (TEXT, True), "effective_on": (DATE, True), "legal_basis": (TEXT, True),
    "note": (TEXT, False), "predecessors": (LIST, True), "successors": (LIST, False), "main": (TEXT, False),
    "moves": (LIST, False),
}  # fmt: skip
MOVE_KEYS = {"section", "target", "to"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
STRUCTURE = ("kind", "effective_on", "predecessors", "successors", "main")


class ReorganisationFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class FileData:
    agencies: list[Agency] = field(default_factory=list)  # to create (pk None once checked)
    entries: list[tuple[TypedReorganisation, dict]] = field(default_factory=list)  # with legal_basis and note
    issuers: list[ReportIssuer] = field(default_factory=list)  # unsaved, checked
    # agencies already in the database whose governing body the file gives anew (not who they are: a heading's line)
    governed: list[Agency] = field(default_factory=list)


def read_reorganisation_file(path: Path) -> FileData:
    """Parse and check the whole file against the database; raise ReorganisationFileError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReorganisationFileError([f"{path}: không tìm thấy tệp."]) from None
    except UnicodeDecodeError:
        raise ReorganisationFileError([f"{path.name}: tệp không phải văn bản UTF-8."]) from None
    try:
        raw = nfc(yaml.load(text, Loader=YamlDatesAsText))  # noqa: S506 (a SafeLoader without dates)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise ReorganisationFileError(
            [f"{path.name}: YAML không hợp lệ{where}: {getattr(exc, 'problem', exc)}."]
        ) from None
    checker = _FileChecker(path.name)
    data = checker.check(raw)
    if checker.errors:
        raise ReorganisationFileError(checker.errors)
    return data


class _FileChecker(FieldChecker):  # the plan file's field checks and messages, for the same style of errors
    @staticmethod
    def convert(value, kind):
        if kind == DATE:  # read as text (YamlDatesAsText), checked by `date`
            return value if isinstance(value, str) else None
        return FieldChecker.convert(value, kind)

    def check(self, raw) -> FileData:
        top = self.fields(raw, FILE_FIELDS, "tệp")
        self.plan = None
        if top.get("plan"):
            self.plan = Plan.objects.filter(slug=top["plan"]).first()
            if self.plan is None:
                self.error("tệp", f"trường “plan”: không có kế hoạch “{top['plan']}”.")
        self.agencies = {a.code: a for a in Agency.objects.all()}
        new = self.check_agencies(top.get("agencies", []))
        entries = self.check_reorganisations(top.get("reorganisations", []))
        issuers = self.check_issuers(top.get("report_issuers", []))
        return FileData(new, entries, issuers, self.governed)

    def check_issuers(self, raw: list) -> list[ReportIssuer]:
        issuers, years = [], set()
        limits = {f.name: f.max_length for f in ReportIssuer._meta.fields if getattr(f, "max_length", None)}
        for entry, values in self.items(raw, "report_issuers", "from_year", ISSUER_FIELDS):
            recipients = values.pop("recipients", [])
            if not all(isinstance(r, str) and r.strip() for r in recipients):
                self.error(entry, "trường “recipients”: mỗi nơi nhận là một dòng văn bản.")
                recipients = []
            values["document_symbol"] = values.get("document_symbol") or "BC-UBND"
            for key, text in values.items():
                if isinstance(text, str) and limits.get(key) and len(text) > limits[key]:
                    self.error(entry, f"trường “{key}”: dài quá {limits[key]} ký tự.")
            year = values.get("from_year")
            if year is None:
                continue
            if self.plan is None:
                self.error(entry, "cần trường “plan” của tệp: cơ quan ban hành đặt cho một kế hoạch.")
                continue
            last = self.plan.vision_year or self.plan.period_end
            if not self.plan.period_start <= year <= last:
                self.error(entry, f"trường “from_year”: năm {year} ngoài các năm của kế hoạch "
                                  f"({self.plan.period_start}–{last}).")  # fmt: skip
            if year in years:
                self.error(entry, f"trường “from_year”: năm {year} được nêu hai lần.")
            years.add(year)
            issuers.append(ReportIssuer(plan=self.plan, recipients="\n".join(recipients), **values))
        return issuers

    def check_agencies(self, raw: list) -> list[Agency]:
        new, self.governed = [], []
        for entry, values in self.items(raw, "agencies", "code", AGENCY_FIELDS):
            code = values.get("code")
            if not code:
                continue
            if not CODE.match(code):
                self.error(entry, f"trường “code”: mã “{code}” chỉ gồm chữ, số, “-” và “_”.")
            if values.get("kind") and values["kind"] not in AgencyKind.values:
                self.error(
                    entry, f"trường “kind”: loại “{values['kind']}” không hợp lệ ({', '.join(AgencyKind.values)})."
                )
            known = self.agencies.get(code)
            if known is not None and known.pk and known.pk > 0:
                for key in ("name", "short_name", "symbol", "kind"):
                    if values.get(key, "") != getattr(known, key):
                        self.error(entry, f"trường “{key}”: cơ quan “{code}” đã có với {key} “{getattr(known, key)}”; "
                                          "đổi tên là một sắp xếp (rename) sang mã mới.")  # fmt: skip
                if values.get("governing_body", known.governing_body) != known.governing_body:
                    known.governing_body = values["governing_body"]
                    self.governed.append(known)
                continue
            if known is not None:
                self.error(entry, f"trường “code”: mã cơ quan “{code}” bị trùng.")
                continue
            agency = Agency(pk=-(len(new) + 1), is_active=True, **values)  # a stand-in id until it is written
            self.agencies[code] = agency
            new.append(agency)
        return new

    def check_reorganisations(self, raw: list) -> list[tuple[TypedReorganisation, dict]]:
        entries, seen, broken = [], set(), set()
        for entry, values in self.items(raw, "reorganisations", "code", REORGANISATION_FIELDS):
            errors_before = len(self.errors)
            code = values.get("code", "")
            if code and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", code):
                self.error(entry, "trường “code”: chỉ gồm chữ thường không dấu, số và dấu “-”.")
            if code in seen:
                self.error(entry, f"trường “code”: mã sắp xếp “{code}” bị trùng.")
            seen.add(code)
            if values.get("kind") and values["kind"] not in ReorganisationKind.values:
                kinds = ", ".join(ReorganisationKind.values)
                self.error(entry, f"trường “kind”: hình thức “{values['kind']}” không hợp lệ ({kinds}).")
            typed = TypedReorganisation(code, values.get("kind", ""), self.date(values.get("effective_on"), entry))
            typed.predecessors = self.agency_list(values.get("predecessors", []), entry, "predecessors")
            typed.successors = self.agency_list(values.get("successors", []), entry, "successors")
            typed.main = self.agency_list([values["main"]] if values.get("main") else [], entry, "main")
            typed.moves = self.moves(values.get("moves", []), entry)
            if len(self.errors) > errors_before or None in (typed.kind, typed.effective_on):
                broken.add(len(entries))  # its own errors are listed; the rules need its names resolved
            entries.append((typed, {"legal_basis": values.get("legal_basis", ""), "note": values.get("note", "")}))
        self.check_rules(entries, broken)
        return entries

    def date(self, text, entry) -> datetime.date | None:
        if text is None:
            return None
        if not ISO_DATE.match(text):
            self.error(entry, f"trường “effective_on” phải là {DATE}, nhận được “{text}”.")
            return None
        try:
            return parse_day(text, iso=True)
        except DateError as exc:
            self.error(entry, f"trường “effective_on”: {exc}")
            return None

    def agency_list(self, codes: list, entry: str, key: str) -> list[Agency]:
        found = []
        for code in codes:
            agency = self.agencies.get(code) if isinstance(code, str) else None
            if agency is None:
                self.error(entry, f"trường “{key}”: không có cơ quan “{code}” (trong cơ sở dữ liệu hay khối agencies).")
            elif agency in found:
                self.error(entry, f"trường “{key}”: cơ quan “{code}” được nêu hai lần.")
            else:
                found.append(agency)
        return found

    def moves(self, raw: list, entry: str) -> list[Move]:
        moves = []
        for index, item in enumerate(raw, start=1):
            where = f"{entry}, moves mục {index}"
            if not isinstance(item, dict):
                self.error(where, f"phải là một {DICT}, nhận được {type(item).__name__}.")
                continue
            for key in set(item) - MOVE_KEYS:
                self.error(where, f"trường lạ “{key}” (các trường hợp lệ: section, target, to).")
            section, target = self.section(item.get("section"), where), self.target(item.get("target"), where)
            if ("section" in item) == ("target" in item):
                self.error(where, "cần đúng một trong hai trường “section” hoặc “target”.")
            to = item.get("to")
            takers = self.agency_list(to if isinstance(to, list) else ([to] if to else []), where, "to")
            if not takers:
                self.error(where, "trường “to”: cần cơ quan tiếp nhận.")
            if section or target:
                moves += [Move(agency, section, target) for agency in takers]
        return moves

    def section(self, code, where):
        if code is None:
            return None
        found = self.plan.sections.filter(code=str(code)).first() if self.plan else None
        if found is None:
            self.error(
                where, f"trường “section”: không có nhiệm vụ “{code}”" + ("." if self.plan else " (thiếu “plan”).")
            )
        return found

    def target(self, code, where):
        if code is None:
            return None
        found = self.plan.targets.filter(code=str(code)).first() if self.plan else None
        if found is None:
            self.error(
                where, f"trường “target”: không có chỉ tiêu “{code}”" + ("." if self.plan else " (thiếu “plan”).")
            )
        return found

    def check_rules(self, entries, broken=frozenset()) -> None:
        """The shared rules (agencies/reorganising.py), against what is recorded and the rest of the file, for every
        entry whose own fields are right (`broken`: the others, whose errors are listed already), so that one reading
        lists every error of the file."""
        codes = [p.code for p, _ in entries]
        recorded = recorded_steps(exclude_codes=codes)
        steps = [None if n - 1 in broken else p.as_step(pk=-n) for n, (p, _) in enumerate(entries, start=1)]
        existing = {r.code: r for r in Reorganisation.objects.filter(code__in=codes).prefetch_related(
            "predecessor_links__agency", "successor_links__agency")}  # fmt: skip
        for n, (typed, _) in enumerate(entries):
            if n in broken:
                continue
            entry = f"reorganisations, mục {n + 1} ({typed.code})"
            others = recorded + [step for step in steps[:n] + steps[n + 1 :] if step is not None]
            for key, message in problems(typed, others):
                self.error(entry, f"trường “{key}”: {message}")
            current = existing.get(typed.code)
            if current is not None and current.applied_at:
                applied = f"{current.applied_at:%d/%m/%Y}"
                for key in [k for k in STRUCTURE if _structure(current)[k] != _structure(typed)[k]]:
                    self.error(entry, f"trường “{key}”: sắp xếp đã áp dụng từ {applied} (cán bộ đã chuyển), "
                               "không sửa được; chỉ sửa được căn cứ, ghi chú và moves.")  # fmt: skip


def _structure(r) -> dict:
    """What cannot change once a reorganisation has been applied, comparable with a typed one."""
    if isinstance(r, TypedReorganisation):
        preds, succs, main = r.predecessors, r.successors, r.main
        return {"kind": r.kind, "effective_on": r.effective_on, "predecessors": sorted(a.code for a in preds),
                "successors": sorted(a.code for a in succs), "main": sorted(a.code for a in main)}  # fmt: skip
    links = list(r.successor_links.all())
    return {"kind": r.kind, "effective_on": r.effective_on,
            "predecessors": sorted(link.agency.code for link in r.predecessor_links.all()),
            "successors": sorted(link.agency.code for link in links),
            "main": sorted(link.agency.code for link in links if link.is_main)}  # fmt: skip


def load_reorganisation_file(path: Path) -> Counter:
    """Check the whole file, then write it in one transaction; return what was created, changed or kept."""
    data = read_reorganisation_file(path)
    with transaction.atomic():
        counts = _write(data)
        if counts["changed_since"]:
            counts.update(recorded(counts.pop("changed_since")))
        else:
            del counts["changed_since"]
    return counts


def _write(data: FileData) -> Counter:
    counts, changed = Counter(), []
    for agency in data.agencies:
        agency.pk = None
        agency.save()
        counts["agency_created"] += 1
    for agency in data.governed:
        agency.save(update_fields=["governing_body"])  # its history keeps the one before
        counts["agency_updated"] += 1
    for typed, texts in data.entries:
        r = Reorganisation.objects.filter(code=typed.code).first()
        values = {"kind": typed.kind, "effective_on": typed.effective_on, **texts}
        if r is None:
            r = Reorganisation.objects.create(code=typed.code, **values)
            outcome = "created"
        else:
            differs = [key for key, value in values.items() if getattr(r, key) != value]
            for key in differs:
                setattr(r, key, values[key])
            if differs:
                r.save(update_fields=differs)
            outcome = "updated" if differs else "unchanged"
        if _write_links(r, typed) and outcome == "unchanged":
            outcome = "updated"
        counts[f"reorganisation_{outcome}"] += 1
        if outcome != "unchanged":
            changed.append(typed.effective_on)
    counts["changed_since"] = min(changed) if changed else None
    for issuer in data.issuers:
        counts[f"issuer_{_write_issuer(issuer)}"] += 1
    return counts


ISSUER_COPY = ("issuing_body", "place", "signer_authority", "signer_position", "signer_name", "recipients",
               "document_symbol", "reviewing_body")  # fmt: skip


def _write_issuer(issuer: ReportIssuer) -> str:
    """Create or bring up to date the plan's issuer from the year (history kept); "created", "updated" or
    "unchanged"."""
    current = ReportIssuer.objects.filter(plan=issuer.plan, from_year=issuer.from_year).first()
    if current is None:
        issuer.save()
        return "created"
    differs = [key for key in ISSUER_COPY if getattr(current, key) != getattr(issuer, key)]
    for key in differs:
        setattr(current, key, getattr(issuer, key))
    if differs:
        current.save(update_fields=differs)
    return "updated" if differs else "unchanged"


def _write_links(r: Reorganisation, p: TypedReorganisation) -> bool:
    """Make the rows of predecessors, successors and moves those of the typed; True when any changed."""
    wanted = {
        ReorganisationPredecessor: {(a.pk, False, None, None) for a in p.predecessors},
        ReorganisationSuccessor: {(a.pk, a in p.main, None, None) for a in p.successors},
        ReorganisationMove: {
            (m.agency.pk, False, m.section and m.section.pk, m.target and m.target.pk) for m in p.moves
        },
    }
    changed = False
    for model, rows in wanted.items():
        have = {_row(model, obj): obj for obj in model.objects.filter(reorganisation=r)}
        for key in set(have) - rows:
            have[key].delete()
            changed = True
        for agency_id, main, section_id, target_id in sorted(rows - set(have), key=str):
            extra = {"is_main": main} if model is ReorganisationSuccessor else {}
            if model is ReorganisationMove:
                extra = {"section_id": section_id, "target_id": target_id}
            model.objects.create(reorganisation=r, agency_id=agency_id, **extra)
            changed = True
    return changed


def _row(model, obj) -> tuple:
    if model is ReorganisationMove:
        return (obj.agency_id, False, obj.section_id, obj.target_id)
    return (obj.agency_id, getattr(obj, "is_main", False), None, None)
