"""The province view (/tinh/): for a chosen year, every plan's reporting, for the Sở and for leadership."""

import hashlib
import logging
import re
import unicodedata

import pandas as pd
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from binhson_plan.allowance import CONSOLIDATED_BUILDS
from binhson_plan.collation import sort_key as vietnamese_order
from binhson_plan.dates import DayField
from binhson_plan.sheets import workbook
from province import jobs, queries
from province.indicators import indicator_blocks, measured_indicators
from province.models import ProvinceIssuer, ProvinceSummary, SummaryState, SummaryUnderway
from reports import access
from reports.consolidated.models import build_refusal
from targets.cache import cached
from targets.goals import STATUS_CHOICES

logger = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_province_reader(user) -> None:
    """The province's pages are for those who read every plan: the Sở, leadership and administrators."""
    if not access.reads_every_plan(user):
        page = "Trang toàn tỉnh dành cho Sở Dân tộc và Tôn giáo, lãnh đạo tỉnh và quản trị viên"
        if access.can_read_all(user):
            raise PermissionDenied(f"{page}: tài khoản của bạn chỉ được phân công theo dõi một số kế hoạch (xem ở mục "
                                   "Thẩm định hoặc Bảng điều khiển).")  # fmt: skip
        # agency staff have neither menu (browser pass 39): their own reports are on the home page
        raise PermissionDenied(f"{page}. Báo cáo của đơn vị bạn ở mục “Báo cáo của đơn vị”.")


def _years(plans, today) -> list[int]:
    """The years a reader can pick: from the earliest plan's start to this year, within the plans' years."""
    if not plans:
        return [today.year]
    first = min(plan.period_start for plan in plans)
    last = max(first, min(today.year, max(plan.last_year for plan in plans)))
    return list(range(first, last + 1))


def _year(request, years) -> int:
    """The year asked for (`?year=`), the latest one offered when none or a wrong one is asked."""
    text = request.GET.get("year", "")
    return int(text) if text.isascii() and text.isdigit() and int(text) in years else years[-1]


def _filters(request, plans) -> dict:
    """The indicator, status and plan asked for, each only if it is one the page's lists offer (anything else: no
    filter). The table drawn is cached under them: random text in a loop stored an entry of 8–13 kB each, 6,6 MB of
    Redis a minute for one account (probe 37)."""
    f = {key: request.GET.get(key, "").strip()[:100] for key in ("indicator", "status", "plan")}
    if f["status"] not in STATUS_CHOICES:
        f["status"] = ""
    if f["plan"] not in {plan.slug for plan in plans}:
        f["plan"] = ""
    if f["indicator"] and not measured_indicators(plans).filter(code=f["indicator"]).exists():
        f["indicator"] = ""
    return f


def overview(request):
    require_province_reader(request.user)
    plans = queries.plans_of_province()
    years = _years(plans, timezone.localdate())
    year = _year(request, years)
    f = _filters(request, plans)
    rows = queries.reporting(plans, year)
    context = {"year": year, "years": years, "rows": rows, "filters": f}
    return render(
        request, "province/overview.html", context | {"indicators_html": _indicators_html(plans, rows, year, f)}
    )


def _indicators_html(plans, rows, year, f) -> str:
    """The indicator table, drawn once per year, filters and plans until the figures change (targets.cache): it
    holds nobody's own data (approved figures only), and drawing every plan's rows is most of the page's time."""

    def draw():
        context = {
            "year": year,
            "rows": rows,
            "filters": f,
            "blocks": indicator_blocks(plans, year, f["indicator"], f["status"], f["plan"]),
            "indicator_choices": sorted(measured_indicators(plans), key=lambda i: vietnamese_order(i.name)),
            "status_labels": STATUS_CHOICES,
        }
        return mark_safe(render_to_string("province/_indicators.html", context))  # the template escapes what it shows

    asked = hashlib.sha256(repr((sorted(f.items()), [plan.pk for plan in plans])).encode()).hexdigest()
    return cached("tinh-chi-so", year, asked, compute=draw)


# Phải báo cáo = Đã gửi + Bị trả lại + Chưa gửi; Đã duyệt and Gửi muộn are among those sent, Quá hạn among those never
# sent or sent back
REPORTING_COLUMNS = ["Kế hoạch", "Phải báo cáo", "Đã gửi", "Bị trả lại", "Chưa gửi", "Đã duyệt", "Gửi muộn", "Quá hạn",
                     "Kiến nghị chưa trả lời"]  # fmt: skip


def reporting_frame(rows) -> pd.DataFrame:
    data = [
        [
            row.plan.display_title,
            row.summary.expected,
            row.summary.submitted,
            row.sent_back,
            row.missing,
            row.summary.approved,
            row.summary.late,
            row.summary.overdue,
            row.open_proposals,
        ]  # fmt: skip
        for row in rows
    ]
    return pd.DataFrame(data, columns=REPORTING_COLUMNS)


# the value a number to calculate with, its unit and its estimate mark each in a column of their own
INDICATOR_COLUMNS = ["Chỉ số", "Kế hoạch", "Chỉ tiêu", "Mốc", "Số liệu gần nhất", "Đơn vị", "Số ước tính",
                     "Năm của số liệu", "Tình trạng", "Nhận định", "Điều chỉnh của cơ quan thẩm định"]  # fmt: skip


def _override(row) -> str:
    override = row["override"]
    return f"{override['label']}: {override['reason']} ({override['by']})" if override else ""


def indicator_frame(blocks) -> pd.DataFrame:
    data = [
        [
            block.indicator.name,
            m.plan.display_title,  # as the other sheet names it
            f"{m.target.code} {m.target.name}",
            m.target.horizon,
            m.row["value"],
            block.unit if m.row["value"] is not None else None,
            bool(m.row["value_is_estimate"]),
            m.row["value_year"] or None,
            STATUS_CHOICES[m.status],
            m.row["explanation"],
            _override(m.row),
        ]  # fmt: skip
        for block in blocks
        for m in block.measures
    ]
    return pd.DataFrame(data, columns=INDICATOR_COLUMNS)


def export(request):
    require_province_reader(request.user)
    plans = queries.plans_of_province()
    year = _year(request, _years(plans, timezone.localdate()))
    f = _filters(request, plans)
    # under a plan filter the reporting sheet is that plan's too; the indicator and status filters are the indicators'
    reporting = [row for row in queries.reporting(plans, year) if not f["plan"] or row.plan.slug == f["plan"]]
    sheets = {
        f"Báo cáo các kế hoạch {year}": reporting_frame(reporting),
        f"Chỉ tiêu theo chỉ số {year}": indicator_frame(indicator_blocks(plans, year, f["indicator"], f["status"],
                                                                          f["plan"])),
    }  # fmt: skip
    titles = [f"Các kế hoạch công tác dân tộc của tỉnh: tình hình báo cáo năm {year}",
              f"Các kế hoạch công tác dân tộc của tỉnh: chỉ tiêu theo chỉ số, năm {year}"]  # fmt: skip
    below = [*_filter_lines(plans, f), f"Tải từ trang Toàn tỉnh lúc {timezone.localtime():%H:%M %d/%m/%Y}."]
    content = workbook(sheets, headings={name: [title, *below] for name, title in zip(sheets, titles, strict=True)})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(year, f)}"'
    return response


def _filter_lines(plans, f) -> list[str]:
    """What a filtered download holds, said above its tables as the page's filters say it."""
    names = []
    if f["plan"]:
        plan = next((p for p in plans if p.slug == f["plan"]), None)
        names.append(f"kế hoạch {plan.display_title if plan else f['plan']}")
    if f["indicator"]:
        indicator = measured_indicators(plans).filter(code=f["indicator"]).first()
        names.append(f"chỉ số {indicator.name if indicator else f['indicator']}")
    if f["status"]:
        names.append(f"tình trạng {STATUS_CHOICES.get(f['status'], f['status'])}")
    return [f"Chỉ gồm: {'; '.join(names)}."] if names else []


def _unaccented(text: str) -> str:
    """ "Không đạt" → "Khong dat": a file name every system and every e-mail keeps as it is."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _export_name(year, f) -> str:
    """`toan-tinh-2026.xlsx`, or with the filters in it (`toan-tinh-2026-loc-<plan>-<indicator>-<status>.xlsx`), so a
    filtered download never takes the name of the whole one in the clerk's Downloads folder."""
    status = STATUS_CHOICES.get(f["status"], f["status"])  # the status by its Vietnamese name: "khong-dat"
    words = [f["plan"], f["indicator"], status]
    parts = [re.sub(r"[^a-z0-9-]+", "-", _unaccented(word).lower()).strip("-") for word in words]
    parts = [part[:60] for part in parts if part]
    return f"toan-tinh-{year}{'-loc-' + '-'.join(parts) if parts else ''}.xlsx"


# --- the yearly summary (tổng hợp toàn tỉnh) ----------------------------------------------------------------------

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX,
}
REQUIRED = "Mục này không được để trống."


class SummaryForm(forms.Form):
    year = forms.TypedChoiceField(label="Năm", coerce=int)
    report_date = DayField(label="Ngày báo cáo", help_text="Ngày ghi trên văn bản, dạng ngày/tháng/năm.")

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in reversed(years)]
        self.fields["year"].error_messages["invalid_choice"] = "Chọn một năm trong danh sách."
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED


def builds_summaries(user) -> bool:
    """The Sở (a reviewer of every plan) builds the summary; leadership and administrators read it."""
    return access.reviews_every_plan(user)


def summaries(request):
    """The province's yearly summaries, every version by year, and the form that asks for a new one."""
    require_province_reader(request.user)
    today = timezone.localdate()
    years = _years(queries.plans_of_province(), today)
    builds = builds_summaries(request.user)
    if request.method == "POST" and not builds:
        raise PermissionDenied(
            "Chỉ Sở Dân tộc và Tôn giáo (cơ quan thẩm định mọi kế hoạch) dựng bản tổng hợp toàn tỉnh."
        )
    form = SummaryForm(request.POST or None, years=years, initial={"year": years[-1], "report_date": today})
    status = 200
    if request.method == "POST":
        refused = build_refusal(request.user) if form.is_valid() else ""
        if refused:  # the day's versions or the heavy work used up, as for a plan's consolidated report
            messages.error(request, refused)
            status = 429
        elif form.is_valid():
            try:
                return _start(request, form.cleaned_data["year"], form.cleaned_data["report_date"])
            except SummaryUnderway as refusal:  # nothing saved: the one on its way stands
                messages.error(request, str(refusal))
                status = 409
        else:
            status = 422
    versions = ProvinceSummary.objects.select_related("requested_by").annotate(
        done=Count("parts", filter=Q(parts__ok=True)), failed=Count("parts", filter=Q(parts__ok=False))
    )
    context = {"versions": versions, "form": form if builds else None} | _signer_check(request.user)
    return render(request, "province/summaries.html", context, status=status)


def _signer_check(user) -> dict:
    """Whether the issuer's signer has no name yet (ProvinceIssuer.signer_missing): the page says so before anyone
    builds, with the way to the admin for those who may go there; the documents then leave the name blank."""
    issuer = ProvinceIssuer.current()
    if not issuer.signer_missing:
        return {"signer_missing": False}
    url = ""
    if issuer.pk and user.has_perm("province.change_provinceissuer"):
        url = reverse("admin:province_provinceissuer_change", args=[issuer.pk])
    return {"signer_missing": True, "issuer": issuer, "issuer_admin_url": url}


def _start(request, year, report_date):
    summary, outcome = jobs.request_summary(year, report_date, by=request.user)
    CONSOLIDATED_BUILDS.spend(request.user, 1)
    summary.refresh_from_db(fields=["state", "error"])
    if summary.state == SummaryState.READY:  # built in-process (no broker)
        messages.success(request, f"Đã dựng xong bản {summary.version} của năm {year}.")
    elif summary.state == SummaryState.FAILED:
        messages.error(request, f"Bản {summary.version} của năm {year}: {summary.error}")
    elif outcome["queued"]:
        messages.success(request, f"Đang dựng bản {summary.version} của năm {year}; trang tự cập nhật khi xong.")
    else:
        messages.success(request, f"Đã ghi yêu cầu dựng bản {summary.version} của năm {year}; trạng thái ở bảng dưới.")
    return redirect("province:summaries")


def summary_file(request, pk, kind):
    require_province_reader(request.user)
    summary = get_object_or_404(ProvinceSummary, pk=pk)
    if kind not in CONTENT_TYPES or summary.state != SummaryState.READY:
        raise Http404("Tệp chưa có.")
    name = f"tong-hop-tinh-{summary.year}-ban-{summary.version}.{kind}"
    try:
        content = getattr(summary, kind).open("rb")
    except (FileNotFoundError, ValueError):  # recorded, but gone from the disk
        logger.error("Tệp %s của bản tổng hợp toàn tỉnh %s không còn trên đĩa", kind, summary.pk)
        message = (f"Tệp {kind.upper()} của bản {summary.version} năm {summary.year} không còn trên máy chủ. Xin dựng "
                   "lại bản tổng hợp, hoặc báo quản trị viên khôi phục tệp.")  # fmt: skip
        return render(request, "404.html", {"message": message}, status=404)
    return FileResponse(content, as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind])
