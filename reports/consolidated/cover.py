"""What the heading and the signature block of a year's consolidated report still lack, and where each is set."""

from dataclasses import dataclass

from django.urls import reverse

FORM_FIELDS = {  # typed on /tong-hop/ for each version: field → (label, what the report prints meanwhile)
    "number": ("Số của báo cáo", "bản dựng sẽ in “Số: {value}”"),
    "signer_position": ("Chức vụ người ký", "chưa có, phải điền mới dựng được"),
    "signer_name": ("Họ tên người ký", "chưa có, phải điền mới dựng được"),
}
ISSUER_FIELDS = {  # set once for the year's issuer (tasks.ReportIssuer) or, before any, on the plan
    "document_symbol": ("Ký hiệu văn bản", "bản dựng sẽ in số báo cáo không có ký hiệu (như “…/BC-UBND”)"),
    "issuing_body": ("Cơ quan ban hành", "bản dựng sẽ in phần đầu không có tên cơ quan ban hành"),
    "place": ("Địa danh", "bản dựng sẽ in “…, ngày … tháng … năm …” không có địa danh"),
}


@dataclass
class Gap:
    field: str  # the field as the page names it
    printed: str  # what the report prints meanwhile, or that the build waits for it
    where: str  # where it is set
    url: str  # a link to that place ("" when this user cannot go there)


def cover_gaps(plan, issuer, cover: dict, user) -> list[Gap]:
    """Each field of the heading (the plan's number, the report's number and symbol) and of the issuer (body,
    place, signer) that is still blank, with where it is set: the build form on the same page for what the
    office types per version (`cover`: the form's values), the admin page of the year's issuer (or of the
    plan, while the plan's own issuer applies) for the rest."""
    gaps = []
    if not plan.number.strip():
        printed = f"bản dựng sẽ in “Thực hiện Kế hoạch ngày {plan.issued_on:%d/%m/%Y}…”, không có số"
        gaps.append(Gap("Số hiệu của Kế hoạch", printed, "ô “Số hiệu của Kế hoạch” dưới đây", "#id_plan_number"))
    for name, (label, printed) in FORM_FIELDS.items():
        value = (cover.get(name) or "").strip()
        if not value.split("/")[0].strip(" .…"):  # "…/BC-UBND": the number is still to be given
            where = "ô “Số văn bản” dưới đây (hoặc văn thư cấp số khi ban hành)" if name == "number" else "ô dưới đây"
            gaps.append(Gap(label, printed.format(value=value), where, f"#id_{name}"))
    if issuer.pk:
        where, model, pk = f"cơ quan ban hành báo cáo từ năm {issuer.from_year}", "reportissuer", issuer.pk
    else:
        where, model, pk = "kế hoạch (cơ quan ban hành mặc định)", "plan", plan.pk
    can_admin = user.is_staff and user.has_perm(f"tasks.change_{model}")
    url = reverse(f"admin:tasks_{model}_change", args=[pk]) if can_admin else ""
    for name, (label, printed) in ISSUER_FIELDS.items():
        if not (getattr(issuer, name, None) or "").strip():
            gaps.append(Gap(label, printed, f"trang quản trị, mục {where}", url))
    return gaps
