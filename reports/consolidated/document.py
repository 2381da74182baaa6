"""The consolidated report as one document model, printed by both the PDF and the Word draft, so the two
say the same text in the same order. Layout (fonts, margins, rules) is the renderers' business."""

from django.utils import timezone

from binhson_plan.longtext import quoted
from binhson_plan.number_format import with_unit
from reports.consolidated.appendices import budget_appendix, series_appendix, submissions_appendix
from reports.consolidated.blocks import Document, Heading, Para, Table
from reports.consolidated.gathering import NOT_INCLUDED
from reports.consolidated.wording import JUDGED, Budget, money, points_held, unapproved
from reports.documents.pdf import body_heading, document_date
from targets.overrides import FINAL_STATUSES, standing
from tasks.models import ReportIssuer, SectionKind


def _unbroken(text: str, name: str) -> str:
    """`text` with the place name held together by no-break spaces, so "Bình Sơn" is never split."""
    return text.replace(name, name.replace(" ", "\u00a0")) if name else text


def build_document(data) -> Document:
    """The whole consolidated report of `data` (a gathering.Consolidated)."""
    report, plan, year = data.report, data.plan, data.year
    issuer = ReportIssuer.for_year(plan, year)  # the body that issues the year's report: the plan's, or its successor
    line1, line2, superior = body_heading(issuer.issuing_body)
    document = Document(
        issuer_line1=line1,
        issuer_line2=line2,
        superior_line=superior,
        number=report.number,
        place_date=f"{issuer.place}, {document_date(report.report_date)}",
        subject=_unbroken(f"Kết quả thực hiện năm {year} Kế hoạch {plan.title_in_sentence}", plan.place),
        addressee=report.addressee,
        recipients=report.recipient_list(),
        signer_authority=report.signer_authority,
        signer_position=report.signer_position,
        signer_name=report.signer_name,
        annex_line=_unbroken(
            f"(Kèm theo Báo cáo số {report.number} ngày {report.report_date:%d/%m/%Y} "
            f"của {issuer.issuing_body[0].upper()}{issuer.issuing_body[1:]})",
            plan.place,
        ),
    )
    document.body = [
        *_direction(data, issuer),
        Heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", 1),
        *_tasks(data),
        Heading("III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", 1),
        *_targets(data, issuer.reviewer_name),
        Heading("IV. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", 1),
        *_shortcomings(data),
        Heading(f"V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year + 1}", 1),
        *_next_steps(data),
        Heading("VI. KIẾN NGHỊ, ĐỀ XUẤT", 1),
        *_proposals(data, issuer.reviewer_name),
    ]
    document.appendices = [series_appendix(data), budget_appendix(data), submissions_appendix(data)]
    return document


def _direction(data, issuer) -> list:
    plan, year, reports = data.plan, data.year, data.reports
    if data.cycle is None:  # building never opens a cycle: the report says the year has none
        gap = (f"Năm {year} chưa mở kỳ báo cáo nên các cơ quan, đơn vị chưa được yêu cầu báo cáo; báo cáo này chỉ "
               "tổng hợp số liệu các chỉ tiêu đã có.")  # fmt: skip
        return [*_direction_heading(plan, year, issuer), Para(gap, style="missing")]
    included = reports[reports["included"].astype(bool)]
    approved = int(included["approved"].astype(bool).sum())
    waiting = len(included) - approved
    outside = reports[~reports["included"].astype(bool)]
    sent_back = outside[outside["state"] == "sent_back"]["agency"].tolist()
    reopened = outside[outside["state"] == "reopened"]["agency"].tolist()
    missing = outside[~outside["state"].isin(["sent_back", "reopened"])]["agency"].tolist()
    # the counts are the build's: a report dated for its signing day ahead still counts as at the day it was built
    as_at = min(data.report.report_date, timezone.localdate())
    counts = (
        f"Đến ngày {as_at:%d/%m/%Y}, có {len(included)}/{len(reports)} cơ quan, đơn vị gửi báo cáo, "
        f"trong đó {approved} báo cáo đã được {issuer.reviewer_name} thẩm định, duyệt"
    )
    reopened_kept = included[included["state"] == "reopened"]["agency"].tolist()
    if reopened_kept:
        counts += (f" (báo cáo đã duyệt của {'; '.join(reopened_kept)} được {issuer.reviewer_name} mở lại để sửa: "
                   "tổng hợp theo nội dung đã duyệt cho đến khi bản sửa được duyệt lại)")  # fmt: skip
    if waiting:
        these = "báo cáo này" if waiting == 1 else "các báo cáo này"
        counts += f"; {waiting} báo cáo đang thẩm định (nội dung lấy từ {these} có ghi chú “chưa duyệt”)"
    counts += f"; bị trả lại để bổ sung, chưa tổng hợp: {'; '.join(sent_back)}" if sent_back else ""
    counts += (f"; báo cáo đã duyệt, được {issuer.reviewer_name} mở lại để sửa, chưa tổng hợp lại: "
               f"{'; '.join(reopened)}") if reopened else ""  # fmt: skip
    counts += f"; chưa gửi báo cáo: {'; '.join(missing)}" if missing else ""
    return [*_direction_heading(plan, year, issuer), Para(counts + ". Chi tiết tại Phụ lục 3.")]


def _direction_heading(plan, year, issuer) -> list:
    number = f" số {plan.number}" if plan.number else ""
    return [
        Heading("I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC TRIỂN KHAI THỰC HIỆN", 1),
        Para(
            f"Thực hiện Kế hoạch{number} ngày {plan.issued_on:%d/%m/%Y} của {plan.issuing_body} về "
            f"{plan.title_in_sentence}, trong năm {year}, {issuer.issuing_body} đã chỉ đạo các cơ quan, "
            f"đơn vị, địa phương triển khai các nhiệm vụ được giao và báo cáo kết quả thực hiện trước ngày "
            f"{plan.report_due_text}/{year}."
        ),
    ]


class _Entries:
    """The reported task entries, looked up by section, role and agency."""

    def __init__(self, data):
        rows = data.tasks.to_dict("records")
        self.by_key = {(r["section_id"], r["role"], r["agency_id"]): r for r in rows}
        self.by_section = {}
        for r in rows:
            self.by_section.setdefault(r["section_id"], []).append(r)
        self.state = dict(zip(data.reports["agency_id"], data.reports["state"], strict=True))

    def any_in(self, node) -> bool:
        return bool(self.by_section.get(node.section.pk)) or any(self.any_in(child) for child in node.children)

    def budget_in(self, node) -> "Budget | None":
        """The budget reported for a block and everything under it, or None where nobody reported one."""
        rows = [r for r in self.by_section.get(node.section.pk, []) if r["budget"] is not None]
        totals = [Budget.of(rows)] if rows else []
        totals += [total for child in node.children if (total := self.budget_in(child)) is not None]
        return sum(totals[1:], totals[0]) if totals else None


def _closed(text: str) -> str:
    """An agency's text ending with a full stop, so what the report adds after it reads as a new sentence."""
    text = (text or "").strip()
    return text if not text or text[-1] in ".!?…:;" else f"{text}."


def _tasks(data) -> list:
    entries = _Entries(data)
    inside = {node.section.pk for node in data.outline}
    parts = []
    for node in data.outline:
        if node.section.parent_id not in inside:  # the groups 1–6 of part III
            parts += _node(node, entries, quiet=False)
    rows = [r for r in data.tasks.to_dict("records") if r["budget"] is not None]
    if rows:
        parts.append(
            Para(
                f"Tổng kinh phí các cơ quan chủ trì báo cáo đã sử dụng để thực hiện các nhiệm vụ của Kế hoạch năm "
                f"{data.year}: {Budget.of(rows).text()} (chi tiết tại Phụ lục 2)."
            )
        )
    return parts


def _node(node, entries, quiet: bool) -> list:
    """One block of part III in the plan's order: its title, the plan's text once and in full, who leads it,
    what the lead and each coordinating agency reported, and the budget total of a task area."""
    s = node.section
    parts = []
    if s.kind == SectionKind.ITEM:
        parts.append(Para(" ".join(s.content.split()), lead=s.number))
    else:
        parts.append(Heading(f"{s.label} {s.title}".strip(), 2 if s.kind == SectionKind.GROUP else 3))
        parts += [Para(line.strip()) for line in s.content.splitlines() if line.strip()]
    if not quiet and node.children and any(n.own_leads for n in [node, *node.children]) and not entries.any_in(node):
        parts.append(Para("Chưa có cơ quan nào báo cáo kết quả thực hiện các nội dung này.", style="missing"))
        quiet = True  # one line for the whole block, not one per item
    for child in node.children:  # the plan's items first, then what was reported on the block
        parts += _node(child, entries, quiet)
    if node.own_leads or node.own_coordinating:
        parts += _block(node, entries, quiet)
    is_area = s.kind == SectionKind.AREA or (
        s.kind == SectionKind.GROUP and not any(c.section.kind == SectionKind.AREA for c in node.children)
    )
    total = entries.budget_in(node) if is_area else None
    if total is not None:
        parts.append(Para(f"Kinh phí đã sử dụng cho mục {s.code}: {total.text()}.", style="plain"))
    return parts


def _block(node, entries, quiet: bool) -> list:
    """Who leads the block (always named, with the field or programme each lead runs), then, unless the
    whole block is known to be silent, what each lead and coordinating agency reported."""
    s, parts = node.section, []
    if node.own_leads:
        leads = "; ".join(f"{a.agency.name}{f' ({a.scope})' if a.scope else ''}" for a in node.own_leads)
        parts.append(Para(f"{leads}.", lead="Cơ quan chủ trì:", style="plain"))
    if quiet:
        return parts
    for a in node.own_leads:
        row = entries.by_key.get((s.pk, "lead", a.agency_id))
        role = "chủ trì" + (f" {a.scope}" if a.scope else "")
        if row is None:
            why = NOT_INCLUDED.get(entries.state.get(a.agency_id))
            gap = (
                f"- {a.agency.name} ({role}): báo cáo {why}."
                if why
                else f"- {a.agency.name} ({role}) chưa gửi báo cáo."
            )
            parts.append(Para(gap, style="missing"))
            continue
        status = f"; {row['status'].lower()}" if row["status"] else ""
        text = _closed(quoted(row["results"])) or "Chưa nêu kết quả."
        if row["budget"] is not None:
            text += f" Kinh phí đã sử dụng: {money(row['budget'])}."
        parts.append(Para(text + unapproved(row), lead=f"- {a.agency.name} ({role}{status}):"))
    reported = [r for r in entries.by_section.get(s.pk, []) if r["role"] == "coordinating"]
    for row in reported:
        parts.append(
            Para(
                (quoted(row["results"]) or "Chưa nêu kết quả.") + unapproved(row),
                lead=f"- {row['agency']} (phối hợp):",
            )
        )
    silent = [a.agency for a in node.own_coordinating if a.agency_id not in {r["agency_id"] for r in reported}]
    why = {a.pk: entries.state.get(a.pk) if entries.state.get(a.pk) in COORDINATING_GAPS else None for a in silent}
    for state, gap in COORDINATING_GAPS.items():  # said as for a lead: sent back is not the same as never sent
        if names := [a.name for a in silent if why[a.pk] == state]:
            parts.append(Para(gap.format(names="; ".join(names)), style="missing"))
    return parts


COORDINATING_GAPS = {  # a coordinating agency's report state → what the block says of its silence
    **{state: f"Báo cáo phối hợp của {{names}} {why}." for state, why in NOT_INCLUDED.items()},
    None: "Chưa có báo cáo phối hợp của: {names}.",  # not sent, or sent without a word on this block
}


def _targets(data, reviewer) -> list:
    rows = []
    overrides = override_sentences(data, reviewer)
    for t in data.targets.to_dict("records"):
        unit = f" ({t['unit']})" if t["unit"] else ""  # the unit of its values; the goal says its own
        baseline = f"{t['baseline_year']}: {_measured(t['baseline_value'], t['unit'])}" if t["baseline_year"] else "–"
        if t["baseline_year"] in data.estimates.get(t["target_id"], ()):  # as Phụ lục 1 marks the same value
            baseline += " (ước)"
        if t["assessment"]:  # a qualitative target: its assessment, not "no data" beside its status
            latest = t["assessment"]
        elif t["latest_year"]:
            latest = f"{t['latest_year']}: {_measured(t['latest_value'], t['unit'])}"
            latest += " (ước)" if t["latest_estimate"] else ""
        else:
            latest = "Chưa có số liệu"
        if t["unapproved"]:  # sent, not yet approved: beside the official value, never counted in the status
            latest += f" ({t['unapproved']})"
        status = f"{t['status']}. {t['explanation']}".replace("..", ".")
        if t["target_id"] in overrides:
            status += overrides[t["target_id"]]
        goal = points_held(f"{t['goal']} ({t['horizon']})")
        rows.append([t["code"], f"{t['name']}{unit}", goal, baseline, latest, points_held(status)])
    return [
        Para(
            f"Số liệu tính đến năm {data.year}; “ước” là số ước thực hiện; số liệu ghi “báo cáo chưa duyệt” là của "
            "báo cáo đã gửi, đang thẩm định, chưa tính vào tình trạng. Mỗi chỉ tiêu được đánh giá so với mốc gần "
            f"nhất của chỉ tiêu đó. Cột “{JUDGED}” ghi năm và giá trị: với chỉ tiêu có mốc đã qua là số liệu năm "
            "mốc (hoặc năm gần nhất trước mốc), với chỉ tiêu khác là số liệu mới nhất; số liệu từng năm, kể cả các "
            "năm sau mốc, tại Phụ lục 1."
        ),
        Table(
            [
                "Mã",
                "Chỉ tiêu (đơn vị của số liệu)",
                "Mục tiêu (mốc)",
                "Năm gốc: giá trị",
                JUDGED,
                "Tình trạng và lý do",
            ],  # fmt: skip
            rows,
            widths=[8, 24, 13, 12, 14, 29],
            compact=True,  # at 11 pt the figures held with their units passed the right margin by 5 mm
        ),
    ]


def override_sentences(data, reviewer) -> dict[int, str]:
    """Target id → the sentence of a reviewer's override standing in the year, printed after the computed
    status and its reason (targets/overrides.py; a passed milestone's override stands in later years); the workbook
    puts it after the explanation."""
    from django.utils import timezone

    judged = {
        t["target_id"]: (t["horizon"], t["status_code"] in FINAL_STATUSES) for t in data.targets.to_dict("records")
    }
    return {
        pk: f" {reviewer} điều chỉnh: {o.label} – {o.reason.strip().rstrip('.')} ({o.by_name}, "
        f"{timezone.localtime(o.at):%d/%m/%Y}{f'; điều chỉnh năm {o.year}' if o.year != data.year else ''})."
        for pk, o in standing(data.year, judged).items()
    }


def _measured(value, unit: str) -> str:
    """A value with the unit it was measured in: "14,2%", "33,5 triệu đồng/người/năm"."""
    return with_unit(value, unit)


def _shortcomings(data) -> list:
    leads = data.tasks[data.tasks["role"] == "lead"].to_dict("records")
    parts = [Para(quoted(r["shortcomings"]) + unapproved(r), lead=f"- {r['agency']} (mục {r['code']}):") for r in leads
             if r["shortcomings"]]  # fmt: skip
    parts += [
        Para(quoted(d["difficulties"]) + unapproved(d), lead=f"- Khó khăn, vướng mắc của {d['agency']}:")
        for d in data.difficulties.to_dict("records")
    ]
    return parts or [Para("Các cơ quan, đơn vị chưa nêu tồn tại, hạn chế.")]


def _next_steps(data) -> list:
    leads = data.tasks[data.tasks["role"] == "lead"].to_dict("records")
    parts = [
        Para(quoted(r["next_steps"]) + unapproved(r), lead=f"- {r['agency']} (mục {r['code']}):")
        for r in leads
        if r["next_steps"]
    ]
    return parts or [Para("Tiếp tục thực hiện các nhiệm vụ của Kế hoạch.")]


def _proposals(data, reviewer) -> list:
    parts = []
    for number, p in enumerate(data.proposals.to_dict("records"), start=1):
        parts.append(Para(quoted(p["text"]) + unapproved(p), lead=f"{number}. {p['agency']}:"))
        if p["response"]:
            parts.append(Para(quoted(p["response"]), lead=f"Trả lời của {reviewer}:", style="note"))
    return parts or [Para("Các cơ quan, đơn vị không có kiến nghị, đề xuất.")]
