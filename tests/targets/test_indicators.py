"""Province indicators: the model that several plans' targets measure, the crosswalk file (load_indicators, validated
whole), the plan file's link to it and its refusal of a target measured in another unit."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from targets.models import Indicator, Target
from targets.status import indicator_groups
from tests.conftest import DATA

TINY = (DATA / "tiny_plan.yaml").read_text(encoding="utf-8")
MEASURED = '    kind: limit\n    indicator: "tram-y-te-dat-chuan"\n'


def crosswalk(tmp_path, body: str):
    path = tmp_path / "indicators.yaml"
    path.write_text("indicators:\n" + body, encoding="utf-8")
    return path


def load_indicators(path=None) -> str:
    out = io.StringIO()
    call_command("load_indicators", *([str(path)] if path else []), stdout=out)
    return out.getvalue()


def load_plan(tmp_path, text, name="plan.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("load_plan", str(path), stdout=out)
    return out.getvalue()


def rows():
    return sorted(map(repr, Indicator.objects.values())), sorted(map(repr, Target.objects.values()))


def test_the_shipped_crosswalk_lists_the_province_indicators_and_binh_son_measures_them(plan):
    out = load_indicators()  # once more: the session loaded it already
    assert "Đã nạp danh mục chỉ số từ tệp indicators.yaml: 8 chỉ số (8 không đổi)." in out
    poverty = Indicator.objects.get(code="ty-le-ho-ngheo-dtts")
    assert (poverty.unit, poverty.direction, poverty.aggregation, poverty.listed) == (
        "%",
        "lower",
        "weighted_mean",
        True,
    )
    assert poverty.denominator == "số hộ dân tộc thiểu số"
    assert Indicator.objects.get(code="so-ho-dtts-duoc-ho-tro-nha-o").aggregation == "sum"
    assert Indicator.objects.get(code="thu-nhap-dtts").unit == "triệu đồng/người/năm"
    tagged = dict(plan.targets.exclude(indicator=None).values_list("code", "indicator__code"))
    assert tagged == {
        "2025.01": "thu-nhap-dtts", "2030.02": "thu-nhap-dtts", "2045.01": "thu-nhap-dtts",
        "2025.02": "ty-le-ho-ngheo-dtts", "2030.03": "ty-le-ho-ngheo-dtts", "2045.02": "ty-le-ho-ngheo-dtts",
        "2025.10": "ho-dtts-di-doi", "2030.16": "ho-dtts-di-doi", "2025.07": "nuoc-sach", "2025.19": "bhyt-dtts",
        "2025.22": "lao-dong-qua-dao-tao", "2030.08": "lao-dong-dao-tao-co-thu-nhap",
    }  # fmt: skip
    # the series of the plan are those it had: three of several milestones, every other target its own
    targets = list(plan.targets.filter(is_active=True))
    groups = {tuple(sorted(g)) for g in indicator_groups(targets).values() if len(g) > 1}
    codes = dict(plan.targets.values_list("pk", "code"))
    assert {tuple(sorted(codes[pk] for pk in g)) for g in groups} == {
        ("2025.01", "2030.02", "2045.01"), ("2025.02", "2030.03", "2045.02"), ("2025.10", "2030.16"),
    }  # fmt: skip


def test_two_plans_sharing_a_code_share_the_indicator_row_but_not_a_series(db, tmp_path):
    load_plan(tmp_path, TINY.replace("    kind: limit\n", MEASURED), "a.yaml")
    other = TINY.replace("tra-bong-thu-nghiem", "son-ha-thu-nghiem").replace("    kind: limit\n", MEASURED)
    out = load_plan(tmp_path, other, "b.yaml")
    assert "chỉ số mới" not in out  # the second plan finds the indicator the first created
    indicator = Indicator.objects.get(code="tram-y-te-dat-chuan")
    assert (indicator.name, indicator.unit, indicator.listed) == ("Trạm y tế đạt chuẩn", "%", False)
    a, b = Target.objects.filter(code="2027.01", indicator=indicator).order_by("plan__slug")
    assert a.plan != b.plan
    assert indicator_groups([a, b]) == {a.pk: [a.pk], b.pk: [b.pk]}
    assert indicator.history.count() == 1  # kept like the other models


def test_a_target_measured_in_another_unit_than_its_indicator_is_refused_with_nothing_written(db, tmp_path):
    load_indicators(
        crosswalk(tmp_path, '  - {code: tram-y-te-dat-chuan, name: "Trạm y tế", unit: "xã", direction: higher}\n')
    )
    before = rows()
    with pytest.raises(CommandError) as excinfo:
        load_plan(tmp_path, TINY.replace("    kind: limit\n", MEASURED))
    message = str(excinfo.value)
    assert "chưa ghi gì" in message
    assert (
        "plan.yaml: chỉ tiêu 2027.01: trường “unit”: số liệu tính bằng “%” nhưng chỉ số “tram-y-te-dat-chuan” "
        "tính bằng “xã”." in message
    )
    assert rows() == before


def test_a_unit_differing_in_spaces_or_case_only_is_the_same_unit(db, tmp_path):
    load_indicators(
        crosswalk(
            tmp_path, '  - {code: thu-nhap, name: "Thu nhập", unit: "Triệu  đồng/người/năm", direction: higher}\n'
        )
    )
    text = TINY.replace(
        '    unit: "%"\n    kind: limit\n',
        '    unit: "triệu đồng/người/năm"\n    kind: limit\n    indicator: thu-nhap\n',
    )
    load_plan(tmp_path, text.replace("natural_limit: 100\n", "natural_limit: 1000\n"))
    assert Target.objects.get(code="2027.01").indicator.code == "thu-nhap"


BAD = (
    '  - {code: tram-y-te-dat-chuan, name: "Trạm y tế đạt chuẩn", unit: "xã", direction: higher}\n'
    '  - {code: ho-ngheo, name: "Hộ nghèo", unit: "%", direction: lower, aggregation: average}\n'
    '  - {code: ho-ngheo, name: "Hộ nghèo lần hai", unit: "%", direction: lower}\n'
    '  - {code: khong-ten, unit: "%", direction: higher}\n'
    '  - {code: nuoc, name: "Nước sạch", unit: "%", direction: higher, aggregation: weighted_mean}\n'
)


def test_the_crosswalk_is_validated_whole_every_error_with_entry_and_field_and_nothing_written(db, tmp_path):
    load_plan(tmp_path, TINY.replace("    kind: limit\n", MEASURED))
    before = rows()
    with pytest.raises(CommandError) as excinfo:
        load_indicators(crosswalk(tmp_path, BAD))
    message = str(excinfo.value)
    assert "Tệp danh mục chỉ số có 5 lỗi, chưa ghi gì vào cơ sở dữ liệu" in message
    for expected in [
        "indicators.yaml: indicators, mục 1 (tram-y-te-dat-chuan): trường “unit”: “xã” khác đơn vị số liệu “%” "
        "của chỉ tiêu 2027.01 (kế hoạch tra-bong-thu-nghiem) đang đo chỉ số này.",
        "indicators.yaml: indicators, mục 2 (ho-ngheo): trường “aggregation”: “average” không hợp lệ",
        "indicators.yaml: indicators, mục 3 (ho-ngheo): trường “code”: mã chỉ số “ho-ngheo” bị trùng.",
        "indicators.yaml: indicators, mục 4 (khong-ten): thiếu trường “name”.",
        "indicators.yaml: indicators, mục 5 (nuoc): trường “denominator”: bình quân gia quyền cần ghi quyền số",
    ]:
        assert expected in message, message
    assert rows() == before


def test_loading_the_crosswalk_upserts_by_code_marks_listed_and_unlists_what_it_no_longer_names(db, tmp_path):
    load_plan(tmp_path, TINY.replace("    kind: limit\n", MEASURED))
    assert Indicator.objects.get(code="tram-y-te-dat-chuan").listed is False
    out = load_indicators(crosswalk(tmp_path,
        '  - {code: tram-y-te-dat-chuan, name: "Tỷ lệ trạm y tế đạt chuẩn", unit: " % ", direction: higher}\n'
        '  - {code: so-ho, name: "Số hộ được hỗ trợ", unit: "hộ", direction: higher, aggregation: sum}\n'))  # fmt: skip
    assert "2 chỉ số (1 tạo mới, 1 cập nhật)" in out
    named = Indicator.objects.get(code="tram-y-te-dat-chuan")
    assert (named.name, named.listed, named.aggregation) == ("Tỷ lệ trạm y tế đạt chuẩn", True, "none")
    assert named.history.first().history_change_reason == "lệnh load_indicators, tệp indicators.yaml"
    out = load_indicators(
        crosswalk(
            tmp_path, '  - {code: so-ho, name: "Số hộ được hỗ trợ", unit: "hộ", direction: higher, aggregation: sum}\n'
        )
    )
    assert "1 chỉ số không còn trong danh mục" in out
    assert Indicator.objects.get(code="tram-y-te-dat-chuan").listed is False  # kept: a target measures it


def test_an_indicator_measured_by_a_target_cannot_be_deleted(db, tmp_path):
    from django.db.models import ProtectedError

    load_plan(tmp_path, TINY.replace("    kind: limit\n", MEASURED))
    with pytest.raises(ProtectedError):
        Indicator.objects.get(code="tram-y-te-dat-chuan").delete()


def test_the_admin_lists_indicators_with_their_targets(client, cast, plan):
    client.force_login(cast["quantri"])
    page = client.get("/quan-tri/targets/indicator/?q=thu-nhap").content.decode()
    assert "thu-nhap-dtts" in page and "Số chỉ tiêu đo" in page
    pk = Indicator.objects.get(code="thu-nhap-dtts").pk
    page = client.get(f"/quan-tri/targets/indicator/{pk}/change/").content.decode()
    assert "Các chỉ tiêu đo chỉ số này" in page and "2045.01" in page
