"""Reading and validating a plan data file (YAML) before anything is written.

The whole file is checked first; every problem is collected with the file, the entry and the
field it concerns, so the person fixing the file sees all of them at once.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from agencies.models import AgencyKind
from binhson_plan.dates import YamlDatesAsText
from binhson_plan.yaml_files import BOOL, CODE, DATE, INT, LIST, NUMBER, TEXT, FieldChecker, nfc
from targets.models import Comparison, Direction, Indicator, TargetKind

ROMAN = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)$")
GROUP = re.compile(r"^\d{1,2}$", re.ASCII)
AREA = re.compile(r"^[abcdđeghiklmnopqrstuvxy]$")
ITEM = re.compile(r"^\(\d{1,2}\)$", re.ASCII)
TARGET_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")

PLAN_FIELDS = {
    "slug": (TEXT, True), "number": (TEXT, False), "title": (TEXT, True), "issuing_body": (TEXT, True),
    "issued_on": (DATE, True), "place": (TEXT, True), "signer_authority": (TEXT, False),
    "signer_position": (TEXT, True), "signer_name": (TEXT, True), "period_start": (INT, True),
    "period_end": (INT, True), "vision_year": (INT, False), "report_due_day": (INT, True),
    "report_due_month": (INT, True), "reports_to": (TEXT, True), "preamble": (TEXT, False),
    "recipients": (LIST, False), "illustrative": (BOOL, False),
}  # fmt: skip
AGENCY_FIELDS = {
    "code": (TEXT, True),
    "name": (TEXT, True),
    "short_name": (TEXT, True),
    "symbol": (TEXT, False),
    "kind": (TEXT, True),
    "governing_body": (TEXT, False),
}
SECTION_FIELDS = {
    "number": (TEXT, True), "title": (TEXT, False), "content": (TEXT, False), "lead_text": (TEXT, False),
    "lead": (LIST, False), "coordinating_text": (TEXT, False), "coordinating": (LIST, False),
    "children": (LIST, False),
}  # fmt: skip
LEAD_FIELDS = {"agency": (TEXT, True), "scope": (TEXT, False)}
TARGET_FIELDS = {
    "code": (TEXT, True), "section": (TEXT, False), "horizon": (INT, True), "statement": (TEXT, True),
    "name": (TEXT, True), "unit": (TEXT, False), "measured_unit": (TEXT, False), "kind": (TEXT, True),
    "comparison": (TEXT, False), "indicator": (TEXT, False),
    "value": (NUMBER, False), "value_max": (NUMBER, False), "direction": (TEXT, False),
    "natural_limit": (NUMBER, False), "denominator": (INT, False), "baseline_year": (INT, False),
    "period_start": (INT, False),
    "reference": (TEXT, False), "parent": (TEXT, False), "responsible": (TEXT, True),
}  # fmt: skip


def same_unit(a: str, b: str) -> bool:
    """Two spellings of one unit: whitespace and case aside ("triệu đồng/người/năm", "Triệu  đồng/người/năm")."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class PlanFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class SectionData:
    code: str
    number: str
    kind: str
    parent_code: str | None
    position: int
    title: str = ""
    content: str = ""
    lead_text: str = ""
    coordinating_text: str = ""
    leads: list[tuple[str, str]] = field(default_factory=list)  # (agency code, scope)
    coordinating: list[str] = field(default_factory=list)


@dataclass
class PlanData:
    plan: dict
    agencies: list[dict]
    sections: list[SectionData]
    targets: list[dict]


def read_plan_file(path: Path) -> PlanData:
    """Parse and validate a plan file; raise PlanFileError listing every problem."""
    raw = _parse_yaml(path)
    checker = _Checker(path.name)
    data = checker.check_document(raw)
    if not checker.errors:
        checker.check_indicator_units(data.targets)
    if checker.errors:
        raise PlanFileError(checker.errors)
    return data


def _parse_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError([f"{path}: không tìm thấy tệp."]) from None
    except UnicodeDecodeError:
        raise PlanFileError([f"{path.name}: tệp không phải văn bản UTF-8."]) from None
    try:
        return nfc(yaml.load(text, Loader=YamlDatesAsText))  # noqa: S506 (a SafeLoader without dates)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanFileError([f"{path.name}: YAML không hợp lệ{where}: {problem}."]) from None


class _Checker(FieldChecker):
    def __init__(self, file_name: str):
        super().__init__(file_name)
        self.position = 0

    def check_document(self, raw) -> PlanData:
        if not isinstance(raw, dict):
            self.error("tệp", "phải có các khối plan, agencies, sections, targets.")
            return PlanData({}, [], [], [])
        for key in ("plan", "agencies", "sections", "targets"):
            if key not in raw:
                self.error("tệp", f"thiếu khối “{key}”.")
        plan = self.check_plan(raw.get("plan") or {})
        agencies = self.check_agencies(raw.get("agencies") or [])
        codes = {agency["code"] for agency in agencies if "code" in agency}
        sections = self.check_sections(raw.get("sections") or [], None, codes)
        targets = self.check_targets(raw.get("targets") or [], codes, {s.code for s in sections})
        return PlanData(plan, agencies, sections, targets)

    def check_plan(self, raw) -> dict:
        plan = self.fields(raw, PLAN_FIELDS, "plan")
        if "slug" in plan and not re.fullmatch(r"[a-z0-9-]+", plan["slug"]):
            self.error("plan", "trường “slug” chỉ gồm chữ thường không dấu, số và dấu “-”.")
        if not 1 <= plan.get("report_due_day", 1) <= 31 or not 1 <= plan.get("report_due_month", 1) <= 12:
            self.error(
                "plan",
                "hạn báo cáo (report_due_day/report_due_month) không phải ngày hợp lệ.",
            )
        if plan.get("period_end", 0) < plan.get("period_start", 0):
            self.error("plan", "period_end phải không nhỏ hơn period_start.")
        if not all(isinstance(item, str) for item in plan.get("recipients", [])):
            self.error("plan", "mỗi mục của “recipients” phải là văn bản.")
        return plan

    def check_agencies(self, raw: list) -> list[dict]:
        agencies, seen = [], set()
        for entry, agency in self.items(raw, "agencies", "code", AGENCY_FIELDS):
            code = agency.get("code")
            if code and not CODE.match(code):
                self.error(entry, f"mã “{code}” chỉ gồm chữ, số, “-” và “_”.")
            if code in seen:
                self.error(entry, f"mã cơ quan “{code}” bị trùng.")
            seen.add(code)
            if "kind" in agency and agency["kind"] not in AgencyKind.values:
                self.error(
                    entry,
                    f"loại “{agency['kind']}” không hợp lệ ({', '.join(AgencyKind.values)}).",
                )
            agencies.append(agency)
        return agencies

    def check_sections(self, raw: list, parent: SectionData | None, agency_codes: set) -> list[SectionData]:
        result = []
        for index, item in enumerate(raw, start=1):
            where = f"{parent.code}, mục con {index}" if parent else f"sections, mục {index}"
            values = self.fields(item, SECTION_FIELDS, where)
            number = values.get("number", "")
            kind = self.section_kind(number, parent)
            code = f"{parent.code}.{number.strip('()')}" if parent else number
            entry = f"mục {code}"
            if kind is None and number:
                self.error(entry, f"số thứ tự “{number}” không hợp lệ ở cấp này.")
            if code in {s.code for s in result}:
                self.error(entry, f"mã mục “{code}” bị trùng.")
            self.position += 1
            section = SectionData(
                code=code, number=number, kind=kind or "", parent_code=parent.code if parent else None,
                position=self.position, title=values.get("title", ""), content=values.get("content", ""),
                lead_text=values.get("lead_text", ""), coordinating_text=values.get("coordinating_text", ""),
            )  # fmt: skip
            for lead_index, lead in enumerate(values.get("lead", []), start=1):
                lead = self.fields(lead, LEAD_FIELDS, f"{entry}, lead {lead_index}")
                if lead.get("agency") and lead["agency"] not in agency_codes:
                    self.error(
                        entry,
                        f"cơ quan chủ trì “{lead['agency']}” không có trong danh sách agencies.",
                    )
                section.leads.append((lead.get("agency", ""), lead.get("scope", "")))
            for code_ in values.get("coordinating", []):
                if code_ not in agency_codes:
                    self.error(
                        entry,
                        f"cơ quan phối hợp “{code_}” không có trong danh sách agencies.",
                    )
                section.coordinating.append(code_)
            result.append(section)
            result.extend(self.check_sections(values.get("children", []), section, agency_codes))
        return result

    @staticmethod
    def section_kind(number: str, parent: SectionData | None) -> str | None:
        if parent is None:
            return "part" if ROMAN.match(number) else None
        if ITEM.match(number):
            return "item"
        if AREA.match(number) and parent.kind == "group":
            return "area"
        if GROUP.match(number) and parent.kind == "part":
            return "group"
        return None

    def check_targets(self, raw: list, agency_codes: set, section_codes: set) -> list[dict]:
        targets, seen = [], set()
        for index, item in enumerate(raw, start=1):
            entry = f"chỉ tiêu {item.get('code')}" if isinstance(item, dict) else f"targets, mục {index}"
            target = self.fields(item, TARGET_FIELDS, entry)
            code = target.get("code")
            if code and not TARGET_CODE.match(code):
                self.error(entry, "mã chỉ tiêu chỉ gồm chữ, số, “.” và “-”.")
            if code in seen:
                self.error(entry, f"mã chỉ tiêu “{code}” bị trùng.")
            seen.add(code)
            self.check_target_rules(target, entry, agency_codes, section_codes, seen)
            targets.append(target)
        units = {}
        for target in targets:
            indicator = target.get("indicator")
            if indicator and not (CODE.match(indicator) and len(indicator) <= 60):
                self.error(f"chỉ tiêu {target.get('code')}", f"trường “indicator”: mã chỉ số “{indicator}” chỉ gồm "
                           "chữ không dấu, số, “-” và “_”, tối đa 60 ký tự.")  # fmt: skip
            if target.get("indicator") and target.get("kind") != "qualitative":
                unit = target.get("measured_unit") or target.get("unit", "")
                first = units.setdefault(target["indicator"], (target.get("code"), unit))
                if first[1] != unit:
                    self.error(f"chỉ tiêu {target.get('code')}", f"cùng chỉ số “{target['indicator']}” với chỉ tiêu "
                               f"{first[0]} nhưng số liệu khác đơn vị (“{unit}” và “{first[1]}”).")  # fmt: skip
        return targets

    def check_indicator_units(self, targets: list[dict]) -> None:
        """A target measures its indicator in the indicator's unit: the unit of its values (`measured_unit`, else
        `unit`), whitespace and case aside. Indicators not yet in the portal are created from the file."""
        measuring = [t for t in targets if t.get("indicator") and t.get("kind") != "qualitative"]
        known = dict(Indicator.objects.filter(code__in={t["indicator"] for t in measuring}).values_list("code", "unit"))
        for target in measuring:
            expected = known.get(target["indicator"], "")
            unit = target.get("measured_unit") or target.get("unit", "")
            if expected and not same_unit(unit, expected):
                field_name = "measured_unit" if target.get("measured_unit") else "unit"
                self.error(
                    f"chỉ tiêu {target.get('code')}",
                    f"trường “{field_name}”: số liệu tính bằng “{unit}” nhưng chỉ số “{target['indicator']}” "
                    f"tính bằng “{expected}”.",
                )

    def check_target_rules(self, target, entry, agency_codes, section_codes, seen) -> None:
        kind = target.get("kind")
        if kind and kind not in TargetKind.values:
            self.error(entry, f"loại “{kind}” không hợp lệ ({', '.join(TargetKind.values)}).")
        if target.get("responsible") and target["responsible"] not in agency_codes:
            self.error(
                entry,
                f"cơ quan chịu trách nhiệm “{target['responsible']}” không có trong agencies.",
            )
        if target.get("section") and target["section"] not in section_codes:
            self.error(entry, f"mục “{target['section']}” không có trong sections.")
        if target.get("parent") and (target["parent"] not in seen or target["parent"] == target.get("code")):
            self.error(entry, f"chỉ tiêu cha “{target['parent']}” phải đứng trước trong tệp.")
        comparison = target.get("comparison")
        if comparison and comparison not in Comparison.values:
            self.error(
                entry,
                f"phép so sánh “{comparison}” không hợp lệ ({', '.join(Comparison.values)}).",
            )
        if target.get("direction") and target["direction"] not in Direction.values:
            self.error(
                entry,
                f"chiều “{target['direction']}” không hợp lệ ({', '.join(Direction.values)}).",
            )
        if kind == TargetKind.QUALITATIVE:
            if "value" in target or comparison:
                self.error(entry, "chỉ tiêu định tính không có giá trị và phép so sánh.")
            return
        for key in ("comparison", "value", "direction"):
            if key not in target:
                self.error(entry, f"chỉ tiêu định lượng cần trường “{key}”.")
        if comparison == "range" and not (
            target.get("value_max", 0) >= target.get("value", 0) and "value_max" in target
        ):
            self.error(entry, "khoảng giá trị cần “value_max” không nhỏ hơn “value”.")
        if comparison != "range" and "value_max" in target:
            self.error(entry, "“value_max” chỉ dùng khi comparison là “range”.")
