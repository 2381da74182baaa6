"""Django admin: every model's list, search, filters and forms open for the administrator."""

import io
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from reports.models import AgencyReport
from tasks.models import Assignment
from tests.reports.helpers import rendered_form_data


def registered():
    return [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.mark.parametrize(("app", "model"), registered())
def test_every_model_page_opens(client, cast, app, model):
    client.force_login(cast["quantri"])
    listing = client.get(f"/quan-tri/{app}/{model}/?q=Bình")
    assert listing.status_code == 200
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == model)
    expected = 200 if model_admin.has_add_permission(type("R", (), {"user": cast["quantri"]})()) else 403
    assert client.get(f"/quan-tri/{app}/{model}/add/").status_code == expected


def test_the_admin_speaks_vietnamese(client, cast):
    client.force_login(cast["quantri"])
    page = client.get("/quan-tri/").content.decode()
    assert "Quản trị cổng theo dõi kế hoạch công tác dân tộc" in page
    for label in ["Cơ quan, đơn vị", "Kế hoạch và nhiệm vụ", "Chỉ tiêu", "Mục của kế hoạch"]:
        assert label in page


def test_a_section_opens_with_its_assignments(client, cast, plan):
    client.force_login(cast["quantri"])
    section = plan.sections.get(code="III.3.đ")
    page = client.get(f"/quan-tri/tasks/section/{section.pk}/change/").content.decode()
    assert "Chương trình MTQG Giảm nghèo bền vững" in page


def test_a_tasks_wording_and_lead_changed_in_the_admin_are_kept_with_who_when_before_and_after(client, cast, plan):
    """A change to a task in the admin (its wording, the agency that leads it) keeps the old and the new with who
    made it and when, in the admin's "Lịch sử" of the task (fourth probe: the old text was gone)."""
    client.force_login(cast["quantri"])
    section = plan.sections.get(code="III.3.đ")
    old_content = section.content
    url = f"/quan-tri/tasks/section/{section.pk}/change/"
    data = rendered_form_data(client.get(url).content.decode())
    data["content"] = "Nội dung sửa trong trang quản trị."
    lead = next(key for key, value in data.items() if key.endswith("-role") and value == "lead")
    data[lead.replace("-role", "-scope")] = "Phạm vi sửa"
    data.pop("_addanother", None), data.pop("_continue", None)
    assert client.post(url, data).status_code == 302
    after, before = section.history.order_by("-history_id")[:2]
    assert (before.content, after.content) == (old_content, "Nội dung sửa trong trang quản trị.")
    assert after.history_user == cast["quantri"] and after.history_type == "~"
    assignment = Assignment.history.filter(section_id=section.pk, role="lead").latest("history_id")
    assert assignment.scope == "Phạm vi sửa" and assignment.history_user == cast["quantri"]
    page = client.get(f"{url.removesuffix('change/')}history/").content.decode()
    assert "Nội dung sửa trong trang quản trị." in page or "Nội dung" in page
    assert cast["quantri"].username in page


def test_every_history_page_reads_in_vietnamese_without_none(client, cast, plan, settings, tmp_path):
    """The admin's "Lịch sử" of each kept model, on the demo year: its columns in Vietnamese and, where no reason
    was given for a change, an empty "Lý do thay đổi", never the word "None" (browser pass)."""
    from django.core.management import call_command
    from simple_history.admin import SimpleHistoryAdmin

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="quantri"))  # seeding set its password again
    kept = [m for m, a in admin.site._registry.items() if isinstance(a, SimpleHistoryAdmin)]
    assert len(kept) >= 10
    shown = 0
    for model in kept:
        row = model.objects.order_by("pk").first()
        if row is None:
            continue  # the demo has no province summary: counted below
        page = client.get(f"/quan-tri/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/history/")
        html = page.content.decode()
        assert page.status_code == 200 and "Lịch sử thay đổi: " in html and "None" not in html.split("</title>")[0]
        if "Đối tượng này chưa có lịch sử thay đổi." in html:
            continue  # written before its history was kept, or never changed
        shown += 1
        start = html.index('id="change-history"')
        table = html[start : html.index("</table>", start)]
        assert "Lý do thay đổi" in table and "Người sửa" in table, model
        assert not re.search(r">\s*None\s*<", table), (model, re.findall(r".{80}>\s*None\s*<", table, re.S)[:1])
        # before and after as the portal writes them: no "None", no state codes, no UTC times, no decimal points
        changes = re.sub(r"<[^>]+>", " ", table)
        for raw in ("None", "+00:00", "submitted", "sent_back", "approved", "draft"):
            assert raw not in changes, (model, raw, changes[changes.find(raw) - 120 : changes.find(raw) + 40])
        if model is AgencyReport:
            assert "Đã gửi" in changes or "Trả lại" in changes or "Đã duyệt" in changes, changes[-800:]
            assert re.search(r"\d\d:\d\d \d\d/\d\d/\d{4}", changes), changes[-800:]
    assert shown >= len(kept) - 4, shown  # the demo has no province summary, its parts or issuer
    # every report's history: texts whole, never cut to "…[39 chars]…" (browser pass 28: a sent-back reason)
    for pk in AgencyReport.objects.values_list("pk", flat=True):
        assert "chars]" not in client.get(f"/quan-tri/reports/agencyreport/{pk}/history/").content.decode(), pk
    # an address no link leads to: not found, not a server error (browser pass)
    assert client.get("/quan-tri/reports/agencyreport/1/change/history/").status_code == 404


def test_a_targets_values_read_with_a_decimal_comma_in_the_admin(client, cast, plan):
    """The target's page in the admin lists its yearly values as "2025.01 2020: 18", not "18.0000" (browser pass)."""
    from django.core.management import call_command

    from targets.models import TargetValue
    from tests.conftest import DATA

    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    value = TargetValue.objects.get(target__plan=plan, target__code="2025.01", year=2020, is_current=True)
    client.force_login(cast["quantri"])
    assert value.value == 18  # stored as 18.0000
    page = client.get(f"/quan-tri/targets/target/{value.target_id}/change/").content.decode()
    assert re.search(r"2025\.01 2020: 18\s", page) and "18.0000" not in page
