"""One label for a reached milestone, and statuses that never contradict the data beside them (issue 16,
item 5): the dashboard counts and filters every reached milestone as "Đạt"; a reviewer's override offers only
judgements; a qualitative target shows its assessment, not "no data", beside its status."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports.consolidated.document import build_document
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from targets.models import StatusOverride, Target
from targets.recording import record_assessment, record_value
from targets.status import plan_progress
from tests.conftest import DATA

SLUG = "binh-son-ctdt-2021-2030"
DASHBOARD = f"/bang-dieu-khien/{SLUG}/2026/"


@pytest.fixture
def year_with_both(plan):
    """The sample values, a 2030 target already reached in 2026 ("achieved": open, reached ahead) beside the
    2025 milestones judged "met", and a qualitative 2025 milestone the agency assessed as reached."""
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    ahead = _reachable(plan)
    record_assessment(plan.targets.get(code="2025.09").pk, 2025, "achieved")
    return ahead


def _reachable(plan) -> Target:
    targets = list(plan.targets.filter(is_active=True))
    for target in targets:
        if target.horizon != 2030 or target.kind != "level" or target.direction != "higher" or target.value is None:
            continue
        record_value(target, 2026, Decimal(target.value) + 1, source="Nhập thử")
        if plan_progress(targets, 2026)[target.pk].status == "achieved":
            return target
    raise AssertionError("no 2030 target to reach")


def statuses(plan) -> dict[str, str]:
    targets = list(plan.targets.filter(is_active=True))
    progress = plan_progress(targets, 2026)
    return {t.code: progress[t.pk].status for t in targets}


def row(html: str, code: str) -> str:
    start = html.index(f'id="ct-{code}"')
    return html[start : html.index("</tr>", start)]


def test_the_dashboard_has_one_label_for_a_reached_milestone(client, cast, plan, year_with_both):
    computed = statuses(plan)
    reached = {code for code, status in computed.items() if status in ("met", "achieved")}
    assert computed[year_with_both.code] == "achieved" and "met" in computed.values()
    client.force_login(cast["vanphong"])
    html = client.get(DASHBOARD).content.decode()
    counts = dict(re.findall(r'<span class="status status-\w+ me-2">([^<:]+): (\d+)</span>', html))
    assert "Đã đạt" not in counts and int(counts["Đạt"]) == len(reached)
    options = re.findall(
        r"<option value=\"(\w+)\"[^>]*>([^<]+)</option>", html.split('name="status"')[1].split("</select>")[0]
    )
    labels = [label for _, label in options]
    assert labels.count("Đạt") == 1 and "Đã đạt" not in labels
    assert "Đạt" in row(html, year_with_both.code) and "Đã đạt" not in row(html, year_with_both.code)
    chosen = client.get(f"{DASHBOARD}?status=met").content.decode()
    assert set(re.findall(r'<tr id="ct-([\d.]+)"', chosen)) == reached  # ahead of its year or judged at it


def test_the_override_form_offers_only_judgements(client, cast, plan, year_with_both):
    client.force_login(cast["vanphong"])
    url = f"/ke-hoach/{SLUG}/chi-tieu/{year_with_both.code}/dieu-chinh-tinh-trang/"
    html = client.get(url).content.decode()
    select = html.split('name="status"')[1].split("</select>")[0]
    labels = [label.strip() for label in re.findall(r"<option[^>]*>([^<]+)</option>", select)][1:]
    # a milestone still ahead: "Đạt" (reached ahead) or its pace, never "Không đạt" before its year
    assert labels == ["Đạt", "Đúng tiến độ", "Cần đẩy nhanh", "Chậm", "Đi xuống"]
    for status in ("insufficient_data", "qualitative"):
        response = client.post(url, {"year": 2026, "status": status, "reason": "Chờ số liệu."})
        assert response.status_code == 422 and "Chọn một tình trạng trong danh sách." in response.content.decode()
    assert not StatusOverride.objects.exists()
    # "Đạt" before the milestone's year is a milestone reached ahead, not judged once
    assert client.post(url, {"year": 2026, "status": "met", "reason": "Số liệu ngành."}).status_code == 302
    assert StatusOverride.objects.get().status == "achieved"


def test_a_qualitative_target_shows_its_assessment_beside_its_status(client, cast, plan, year_with_both):
    assert statuses(plan)["2025.09"] == "met"
    client.force_login(cast["vanphong"])
    html = client.get(DASHBOARD).content.decode()
    assessed = row(html, "2025.09")
    assert "Đạt" in assessed and "Đơn vị đánh giá: đã đạt" in assessed
    assert "Chưa có đánh giá" in row(html, "2025.18")  # not assessed: says so, not "–"
    document = build_document(gather(ConsolidatedReport.request(plan, 2026)))
    table = next(p for p in document.body if p.kind == "table" and p.headers[0] == "Mã")
    cells = {r[0]: r for r in table.rows}
    assert cells["2025.09"][4] == "Đơn vị đánh giá: đã đạt" and cells["2025.09"][5].startswith("Đạt.")
    assert cells["2025.18"][4] == "Chưa có đánh giá"
    assert not any(r[4] == "Chưa có số liệu" for code, r in cells.items() if code in {"2025.09", "2025.18", "2030.14"})
