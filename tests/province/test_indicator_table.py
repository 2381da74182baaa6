"""The province view's indicator table: every plan's target measuring an indicator, with its value, year, status,
sentence and override; counts by status; the plans without data; a province-wide figure only where the indicator
says how to make one; filters; the Excel sheet; queries constant in the number of plans."""

import io

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from openpyxl import load_workbook

from targets.models import Indicator
from tasks.models import Plan
from tests.conftest import DATA, queries_of
from tests.reports.helpers import on

pytestmark = pytest.mark.season
URL = "/tinh/"
BINH_SON = "binh-son-ctdt-2021-2030"


def plan_file(tmp_path, slug: str, issuing_body: str, codes: dict[str, str]) -> str:
    """The tiny test plan under another slug and issuer, its agencies its own, with extra targets measuring the
    given indicators ({target code: indicator code}), each in %."""
    data = yaml.safe_load((DATA / "tiny_plan.yaml").read_text(encoding="utf-8"))
    data["plan"] |= {"slug": slug, "issuing_body": issuing_body, "title": f"{data['plan']['title']} ({issuing_body})"}
    renamed = {a["code"]: f"{a['code']}-{slug[:6]}" for a in data["agencies"]}
    text = yaml.safe_dump(data, allow_unicode=True)
    for old, new in renamed.items():
        text = text.replace(old, new)
    data = yaml.safe_load(text)
    for n, (code, indicator) in enumerate(codes.items()):
        data["targets"].append({
            "code": code, "horizon": 2027, "statement": f"Chỉ tiêu {n} đạt 95%.", "name": f"Chỉ tiêu {n}",
            "unit": "%", "kind": "level", "comparison": ">=", "value": 95, "direction": "higher",
            "indicator": indicator, "responsible": renamed["TB-YT"],
        })  # fmt: skip
    path = tmp_path / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def load(path) -> None:
    call_command("load_plan", path, stdout=io.StringIO())


def values(tmp_path, slug: str, rows: list[str]) -> None:
    path = tmp_path / f"{slug}-values.csv"
    path.write_text("target_code,year,value,as_of,note,reference\n" + "\n".join(rows) + "\n", encoding="utf-8")
    call_command("import_values", str(path), plan=slug, stdout=io.StringIO())


@pytest.fixture
def three_plans(plan, tmp_path):
    """Bình Sơn with its example values (2025.19 measures health-insurance cover: 92, 91, 90% in 2020–2024), and two
    more plans whose targets measure the same indicator and a count."""
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    Indicator.objects.update_or_create(code="ho-ho-tro", defaults={"name": "Số hộ được hỗ trợ", "unit": "%",
                                                                  "aggregation": "sum", "listed": True})  # fmt: skip
    load(plan_file(tmp_path, "ke-hoach-a", "Ủy ban nhân dân xã A", {"A.01": "bhyt-dtts", "A.02": "ho-ho-tro"}))
    load(plan_file(tmp_path, "ke-hoach-b", "Ủy ban nhân dân xã B", {"B.01": "bhyt-dtts", "B.02": "ho-ho-tro"}))
    values(tmp_path, "ke-hoach-a", ["A.01,2024,80,31/12/2024,,", "A.02,2025,40,31/12/2025,,"])
    values(tmp_path, "ke-hoach-b", ["B.02,2025,60,31/12/2025,,"])  # B has no health-insurance value
    return Plan.objects.get(slug=BINH_SON), Plan.objects.get(slug="ke-hoach-a"), Plan.objects.get(slug="ke-hoach-b")


def block(html: str, code: str) -> str:
    return " ".join(html.split(f'id="cs-{code}"')[1].split('<div class="mb-4" id="cs-')[0].split())


def test_every_plans_target_of_an_indicator_with_the_spread_not_an_invented_mean(client, cast, three_plans):
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        html = client.get(URL, {"year": 2025}).content.decode()
    insurance = block(html, "bhyt-dtts")
    assert "Tỷ lệ người dân tộc thiểu số tham gia bảo hiểm y tế" in insurance
    assert ">2025.19</a>" in insurance and ">A.01</a>" in insurance and ">B.01</a>" in insurance
    assert "90%" in insurance and "80%" in insurance  # Bình Sơn's 2024 value, A's
    assert ("Từ 80% (Thử nghiệm nạp kế hoạch của một huyện khác (Ủy ban nhân dân xã A), năm 2024) đến 90% "
            "(huyện Bình Sơn, năm 2024); 2/3 kế hoạch có số liệu.") in insurance  # fmt: skip
    assert "Chưa tính bình quân toàn tỉnh: các kế hoạch chưa báo cáo quyền số (số người dân tộc thiểu số)." in insurance
    assert "Chưa có số liệu: Thử nghiệm nạp kế hoạch của một huyện khác (Ủy ban nhân dân xã B)." in insurance
    assert "Toàn tỉnh" not in insurance


def test_an_override_stands_beside_the_computed_status_as_on_every_page(client, cast, three_plans):
    """Browser pass 40: the province table's badge was the reviewer's status, the computed one unsaid, with no one
    nor day named; the dashboard and the target page show the computed status first and the override beside it."""
    from targets.overrides import override_status

    with on("2026-12-06"):
        target = three_plans[0].targets.get(code="2025.19")
        override_status(target, 2025, "met", "Số liệu BHXH tỉnh đã công bố.", by=cast["vanphong"],
                        computed_status="deterioration")  # fmt: skip
        client.force_login(cast["lanhdao"])
        insurance = block(client.get(URL, {"year": 2025}).content.decode(), "bhyt-dtts")
    row = insurance[insurance.index(">2025.19</a>") :].split("</tr>")[0]
    assert (
        '<span class="status status-deterioration">Đi xuống</span> <span class="small text-muted">(tính theo số liệu)'
        in row
    )
    assert ('Cơ quan thẩm định điều chỉnh: <span class="status status-met">Đạt</span> – Số liệu BHXH tỉnh đã công '
            "bố. <span class=\"text-muted\">(Nguyễn Thị Thẩm Định, 06/12/2026)</span>") in row  # fmt: skip
    assert '<span class="status status-met me-2">Đạt: 1</span>' in insurance  # counted as the reviewer's status


def test_a_count_is_summed_only_when_every_plan_has_the_years_value(client, cast, three_plans, tmp_path):
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        of_2025 = block(client.get(URL, {"year": 2025}).content.decode(), "ho-ho-tro")
        of_2026 = block(client.get(URL, {"year": 2026}).content.decode(), "ho-ho-tro")
    assert "Toàn tỉnh (cộng 2 kế hoạch): 100% năm 2025." in of_2025
    assert "Không có chỉ tiêu đo chỉ số này: huyện Bình Sơn." in of_2025
    assert "Toàn tỉnh" not in of_2026 and "Chưa cộng toàn tỉnh: chưa đủ số liệu năm 2026 của mọi kế hoạch." in of_2026


def test_filters_by_indicator_status_and_plan(client, cast, three_plans):
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        by_plan = client.get(URL, {"year": 2025, "plan": "ke-hoach-a"}).content.decode()
        by_indicator = client.get(URL, {"year": 2025, "indicator": "ho-ho-tro"}).content.decode()
        by_status = client.get(URL, {"year": 2025, "status": "insufficient_data"}).content.decode()
        hostile = client.get(URL, {"year": 2025, "indicator": "<script>x</script>", "plan": "x" * 5000})
    assert ">A.01</a>" in by_plan and ">2025.19</a>" not in by_plan and ">B.01</a>" not in by_plan
    counts = block(by_plan, "bhyt-dtts").split('province-figure"')[1].split("</p>", 2)[1]
    # the bold line above stays the spread over every plan, and says so: not read as plan A's own figure
    across = "<strong>Tính trên mọi kế hoạch, không theo bộ lọc: "
    assert (f"{across}từ 80% (Thử nghiệm nạp kế hoạch của một huyện khác (Ủy ban nhân dân xã A), năm 2024) "
            "đến 90% (huyện Bình Sơn, năm 2024); "
            "2/3 kế hoạch có số liệu.") in block(by_plan, "bhyt-dtts")  # fmt: skip
    assert f"{across}toàn tỉnh (cộng 2 kế hoạch): 100% năm 2025." in block(by_status, "ho-ho-tro")
    assert "không theo bộ lọc" not in by_indicator  # a filter on the indicator leaves its rows whole
    assert "Chưa đủ dữ liệu: 1<" in counts and "Không đạt" not in counts  # the counts of the rows shown
    assert 'id="cs-ho-ho-tro"' in by_indicator and 'id="cs-bhyt-dtts"' not in by_indicator
    assert ">B.01</a>" in by_status and ">A.01</a>" in by_status  # none or one value: not enough data
    assert ">2025.19</a>" not in by_status  # three years of values: judged
    assert hostile.status_code == 200 and "<script>x" not in hostile.content.decode()


def test_filter_text_that_no_list_offers_is_no_filter_and_adds_nothing_to_the_cache(
    client, cast, three_plans, monkeypatch
):
    """Probe 37: the table drawn is kept in the cache under its filters, taken as any text: random filters in a loop
    stored an entry of 8–13 kB each, 6,6 MB of Redis a minute for one account. Only values the lists offer count."""
    import province.views

    keys = []
    real = province.views.cached
    monkeypatch.setattr(
        province.views, "cached", lambda *parts, compute: keys.append(parts) or real(*parts, compute=compute)
    )
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        plain = client.get(URL, {"year": 2025}).content.decode()
        for n in range(5):
            asked = {"year": 2025, "plan": f"ke-hoach-{n}" * 9, "status": f"x{n}", "indicator": f"khong-co-{n}"}
            page = client.get(URL, asked).content.decode()
            assert page.count("selected>Mọi kế hoạch") + page.count(">Mọi kế hoạch</option>") >= 1
            assert ">A.01</a>" in page and ">B.01</a>" in page  # the whole table, as without a filter
        filtered = client.get(URL, {"year": 2025, "plan": "ke-hoach-a"}).content.decode()
    assert ">A.01</a>" in plain and ">B.01</a>" not in filtered
    assert len(set(keys)) == 2  # the table without a filter, and filtered by plan A


def test_the_excel_sheet_of_the_indicator_table(client, cast, three_plans):
    binh_son, a, b = three_plans
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        response = client.get(f"{URL}bang-tinh.xlsx", {"year": 2025, "indicator": "bhyt-dtts"})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Chỉ tiêu theo chỉ số 2025"]
    rows = list(sheet.iter_rows(values_only=True))
    # the title and the filter above the table
    assert rows[0][0] == "Các kế hoạch công tác dân tộc của tỉnh: chỉ tiêu theo chỉ số, năm 2025"
    assert rows[1][0] == "Chỉ gồm: chỉ số Tỷ lệ người dân tộc thiểu số tham gia bảo hiểm y tế."
    assert rows[3][:8] == ("Chỉ số", "Kế hoạch", "Chỉ tiêu", "Mốc", "Số liệu gần nhất", "Đơn vị", "Số ước tính",
                           "Năm của số liệu")  # fmt: skip
    # each plan by its shown title, as the reporting sheet names it
    assert {row[1] for row in rows[4:]} == {binh_son.display_title, a.display_title, b.display_title}
    reporting = [row[0] for row in book["Báo cáo các kế hoạch 2025"].iter_rows(min_row=5, values_only=True)]
    assert {binh_son.display_title, a.display_title, b.display_title} <= set(reporting)
    assert {row[0] for row in rows[4:]} == {"Tỷ lệ người dân tộc thiểu số tham gia bảo hiểm y tế"}
    # the value a number to calculate with, its unit and its estimate mark each in a column of their own
    cells = {sheet.cell(n, 2).value: sheet.cell(n, 5) for n in range(5, sheet.max_row + 1)}
    of_a, of_b = cells[a.display_title], cells[b.display_title]
    assert of_a.value == 80 and of_a.data_type == "n" and of_a.offset(0, 1).value == "%"
    assert of_a.offset(0, 2).value is None and of_a.offset(0, 3).value == 2024
    assert of_b.value is None and of_b.offset(0, 1).value is None  # no value: no unit beside it
    assert cells[binh_son.display_title].value == 90 and cells[binh_son.display_title].data_type == "n"


def test_queries_do_not_grow_with_the_plans(client, cast, three_plans, tmp_path):
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        cache.clear()  # each size computed afresh (the figures are cached until the data changes: targets.cache)
        at_three = queries_of(client, f"{URL}?year=2025")
        for n in range(27):
            slug = f"ke-hoach-c{n}"
            load(plan_file(tmp_path, slug, f"Ủy ban nhân dân xã C{n}", {f"C{n}.01": "bhyt-dtts"}))
            values(tmp_path, slug, [f"C{n}.01,2024,{70 + n % 20},31/12/2024,,"])
        assert Plan.objects.count() == 30
        cache.clear()
        at_thirty = queries_of(client, f"{URL}?year=2025")
        html = client.get(URL, {"year": 2025}).content.decode()
        warm = queries_of(client, f"{URL}?year=2025")
    assert "29/30 kế hoạch có số liệu" in block(html, "bhyt-dtts")
    assert at_three == at_thirty
    assert warm < at_thirty  # the indicator table read from the cache
