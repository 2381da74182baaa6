"""A target's goal changes only through the plan file, with its legal basis, and leaves a trace: who, when,
before and after, on the target's page (issue 17: 2025.07 moved from ≥ 95% to 50% in the admin, unseen)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from targets.models import Target
from tests.reports.helpers import on

PAGE = "/ke-hoach/{slug}/chi-tieu/2025.07/"
BASIS = "Quyết định số 15/QĐ-UBND ngày 02/03/2026 của UBND huyện Bình Sơn"


@pytest.fixture
def lowered_file(shipped_plan_file, tmp_path):
    """The shipped plan file with 2025.07's goal lowered from ≥ 95% to ≥ 50%."""
    text = shipped_plan_file.read_text(encoding="utf-8")
    start = text.index('  - code: "2025.07"')
    end = text.index("  - code:", start + 1)
    assert text[start:end].count("value: 95\n") == 1
    path = tmp_path / "binh_son_sua_doi.yaml"
    path.write_text(text[:start] + text[start:end].replace("value: 95\n", "value: 50\n") + text[end:], "utf-8")
    return path


def test_the_admin_cannot_change_a_goal(client, cast, plan):
    target = Target.objects.get(plan=plan, code="2025.07")
    client.force_login(cast["quantri"])
    url = f"/quan-tri/targets/target/{target.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="value"' not in page and "chỉ thay đổi qua tệp kế hoạch" in page
    fields = {"value": "50", "comparison": ">=", "code": "2025.07", "horizon": "2025", "kind": "level"}
    assert client.post(url, fields).status_code == 403
    target.refresh_from_db()
    assert target.value == 95 and not target.history.filter(value=50).exists()


def test_a_goal_changed_in_the_plan_file_needs_its_legal_basis(plan, lowered_file):
    with pytest.raises(CommandError) as refused:
        call_command("load_plan", str(lowered_file), stdout=io.StringIO())
    assert "chỉ tiêu 2025.07 đổi mục tiêu (≥ 95% → ≥ 50%)" in str(refused.value)
    assert "--basis" in str(refused.value) and "chưa ghi gì" in str(refused.value)
    assert Target.objects.get(plan=plan, code="2025.07").value == 95


def test_the_target_page_shows_who_changed_the_goal_when_from_what_to_what_and_why(client, cast, plan,
                                                                                      lowered_file):  # fmt: skip
    with on("2026-12-02", "08:30"):
        call_command("load_plan", str(lowered_file), basis=f"  {BASIS} ", stdout=io.StringIO())
    target = Target.objects.get(plan=plan, code="2025.07")
    assert target.value == Decimal(50)
    client.force_login(cast["vanphong"])
    page = client.get(PAGE.format(slug=plan.slug)).content.decode()
    history = page[page.index("Lịch sử thay đổi mục tiêu") :]
    body = history[history.index("<tbody>") :]
    row = body[: body.index("</tr>")]
    for expected in ("08:30 02/12/2026", "lệnh load_plan", "Mục tiêu", "≥ 95%", "≥ 50%", f"Căn cứ: {BASIS}",
                     "binh_son_sua_doi.yaml"):  # fmt: skip
        assert expected in row, expected
    assert row.index("≥ 95%") < row.index("≥ 50%")  # before, then after


def test_loading_the_same_file_again_leaves_no_line_in_the_history(client, cast, plan, shipped_plan_file):
    before = Target.history.count()
    call_command("load_plan", str(shipped_plan_file), stdout=io.StringIO())
    assert Target.history.count() == before
    client.force_login(cast["vanphong"])
    page = client.get(PAGE.format(slug=plan.slug)).content.decode()
    assert "Mục tiêu chưa thay đổi kể từ khi nạp kế hoạch" in page


def test_a_target_dropped_from_the_file_is_deactivated_with_a_line_in_its_history(plan, shipped_plan_file,
                                                                                  tmp_path):  # fmt: skip
    text = shipped_plan_file.read_text(encoding="utf-8")
    start = text.index('  - code: "2025.07"')
    end = text.index("  - code:", start + 1)
    path = tmp_path / "khong-co-2025-07.yaml"
    path.write_text(text[:start] + text[end:], "utf-8")
    call_command("load_plan", str(path), basis=BASIS, stdout=io.StringIO())
    latest = Target.objects.get(plan=plan, code="2025.07").history.first()
    assert latest.is_active is False and latest.history_change_reason.endswith(BASIS)


def test_the_target_page_reads_its_history_in_a_fixed_number_of_queries(client, cast, plan, lowered_file,
                                                                        shipped_plan_file,
                                                                        django_assert_num_queries):  # fmt: skip
    client.force_login(cast["vanphong"])
    url = PAGE.format(slug=plan.slug)
    client.get(url)  # figures cached
    # the session is not written (issue 20); 1 the history's, 1 the year's reviewing body, 3 the values awaiting
    # approval (the reader's roles, the plans they review, the entries), 2 the recorded values (their count, for their
    # pages of a hundred, and the page's)
    with django_assert_num_queries(13):
        client.get(url)
    for path in (lowered_file, shipped_plan_file, lowered_file):
        call_command("load_plan", str(path), basis=BASIS, stdout=io.StringIO())
    client.get(url)
    with django_assert_num_queries(13):
        page = client.get(url).content.decode()
    assert page.count("<td>Mục tiêu</td>") == 3
