"""`manage.py load_plan`: validates the whole file first, writes in one transaction, idempotent."""

import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency
from targets.models import Target
from tasks.models import Assignment, Plan, Section
from tests.conftest import DATA

TINY = (DATA / "tiny_plan.yaml").read_text(encoding="utf-8")
MODELS = [Plan, Agency, Section, Assignment, Target]


def snapshot():
    """Every row the loader writes, as plain values, for before/after comparisons."""
    return {model.__name__: sorted(map(repr, model.objects.values())) for model in MODELS}


def load(path) -> str:
    out = io.StringIO()
    call_command("load_plan", str(path), stdout=out)
    return out.getvalue()


def broken(tmp_path, old, new, count=1):
    assert TINY.count(old) >= count, f"test setup: {old!r} not in the tiny plan"
    path = tmp_path / "broken.yaml"
    path.write_text(TINY.replace(old, new, count), encoding="utf-8")
    return path


def assert_refused(path, *fragments):
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        load(path)
    message = str(excinfo.value)
    assert "chưa ghi gì" in message
    for fragment in fragments:
        assert fragment in message, message
    assert snapshot() == before
    assert not Plan.objects.filter(slug="tra-bong-thu-nghiem").exists()
    return message


def test_it_loads_twice_without_changing_anything(plan, shipped_plan_file):
    before = snapshot()
    output = load(shipped_plan_file)
    assert snapshot() == before
    assert "tạo mới" not in output and "cập nhật" not in output
    assert "chỉ tiêu: 52 không đổi" in output


def test_it_loads_a_plan_of_another_district(db, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    output = load(path)
    tiny = Plan.objects.get(slug="tra-bong-thu-nghiem")
    assert "chỉ tiêu: 3 tạo mới" in output
    assert tiny.report_due_text == "20/11"
    assert list(tiny.sections.values_list("code", flat=True)) == ["I", "II", "II.1", "II.1.1", "II.1.2"]
    health = Agency.objects.get(code="TB-YT")
    assert set(tiny.sections.led_by(health).values_list("code", flat=True)) == {"II.1", "II.1.1"}
    office = Agency.objects.get(code="TB-VP")
    assert set(tiny.sections.led_by(office).values_list("code", flat=True)) == {"II.1.2"}
    assert set(tiny.sections.coordinated_by(office).values_list("code", flat=True)) == {
        "II.1",
        "II.1.1",
        "II.1.2",
    }
    assert Assignment.objects.get(section__code="II.1.2", agency=office).scope == "về nhân sự"
    assert list(tiny.targets.values_list("code", "kind")) == [
        ("2027.01", "limit"),
        ("2027.02", "annual_change"),
        ("2027.03", "qualitative"),
    ]


def test_it_refuses_a_missing_field(db, tmp_path):
    path = broken(tmp_path, '    name: "Trạm y tế đạt chuẩn"\n', "")
    assert_refused(path, "broken.yaml", "chỉ tiêu 2027.01", "thiếu trường “name”")


def test_it_refuses_an_unknown_agency_code(db, tmp_path):
    path = broken(tmp_path, "coordinating: [TB-VP]", "coordinating: [TB-XX]")
    assert_refused(path, "broken.yaml", "mục II.1", "cơ quan phối hợp “TB-XX” không có trong danh sách agencies")


def test_it_refuses_a_duplicate_code(db, tmp_path):
    path = broken(tmp_path, 'code: "2027.02"', 'code: "2027.01"')
    assert_refused(path, "chỉ tiêu 2027.01", "mã chỉ tiêu “2027.01” bị trùng")


def test_it_refuses_a_duplicate_section(db, tmp_path):
    path = broken(tmp_path, 'number: "(2)"', 'number: "(1)"')
    assert_refused(path, "mục II.1.1", "mã mục “II.1.1” bị trùng")


def test_it_refuses_invalid_yaml_with_its_line(db, tmp_path):
    path = broken(tmp_path, '  place: "Trà Bồng"\n', "  place: [Trà Bồng\n")
    assert_refused(path, "broken.yaml", "YAML không hợp lệ ở dòng")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("value: 100\n", 'value: "một trăm"\n', "trường “value” phải là số, nhận được “một trăm”"),
        ("value: 2\n", 'value: "4,5"\n', "trường “value” phải là số, nhận được “4,5”"),
        ("horizon: 2027\n", 'horizon: "năm 2027"\n', "trường “horizon” phải là số nguyên"),
        ("issued_on: 2023-03-15", "issued_on: 15/03/2023", "trường “issued_on” phải là ngày"),
        ("kind: limit", "kind: percentage", "loại “percentage” không hợp lệ"),
        ("comparison: range", 'comparison: "=="', "phép so sánh “==” không hợp lệ"),
        ("value_max: 3", "value_max: 1", "khoảng giá trị cần “value_max” không nhỏ hơn “value”"),
        ("    responsible: TB-YT\n  - code: \"2027.02\"", "    responsible: TB-ZZ\n  - code: \"2027.02\"",
         "cơ quan chịu trách nhiệm “TB-ZZ” không có trong agencies"),
        ("kind: specialised_office", "kind: ministry", "loại “ministry” không hợp lệ"),
        ('number: "II"', 'number: "2"', "số thứ tự “2” không hợp lệ ở cấp này"),
        ("    kind: limit\n", "    kind: limit\n    colour: red\n", "trường lạ “colour”"),
    ],
)  # fmt: skip
def test_it_refuses_wrong_types_and_values(db, tmp_path, old, new, expected):
    assert_refused(broken(tmp_path, old, new), expected)


def test_it_lists_every_error_at_once(db, tmp_path):
    text = TINY.replace("coordinating: [TB-VP]", "coordinating: [TB-XX]").replace("kind: limit", "kind: nope")
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    message = assert_refused(path)
    assert "có 2 lỗi" in message and "TB-XX" in message and "nope" in message


def test_it_refuses_a_missing_file(db, tmp_path):
    assert_refused(tmp_path / "khong-co.yaml", "không tìm thấy tệp")


def test_it_refuses_a_file_that_is_not_text(db, tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\x00plan")
    assert_refused(path, "không phải văn bản UTF-8")


def test_it_deactivates_what_the_file_no_longer_has(db, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    load(path)
    target = Target.objects.get(plan__slug="tra-bong-thu-nghiem", code="2027.03")
    target.values.create(year=2024, value=1, source="kiểm thử")
    shorter = TINY.split('  - code: "2027.03"')[0].replace(
        '          - number: "(2)"\n            content: "Đào tạo cán bộ y tế thôn."\n'
        '            lead: [{agency: TB-VP, scope: "về nhân sự"}]\n',
        "",
    )
    path.write_text(shorter, encoding="utf-8")
    output = load(path)
    target.refresh_from_db()
    assert not target.is_active and target.values.count() == 1
    assert not Section.objects.get(plan=target.plan, code="II.1.2").is_active
    assert "chỉ tiêu: 2 không đổi, 1 ngừng theo dõi" in output
    path.write_text(TINY, encoding="utf-8")
    load(path)
    target.refresh_from_db()
    assert target.is_active


def test_it_updates_a_changed_entry_in_place(db, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    load(path)
    first = Target.objects.get(code="2027.01", plan__slug="tra-bong-thu-nghiem")
    path.write_text(TINY.replace('name: "Trạm y tế đạt chuẩn"', 'name: "Trạm y tế xã đạt chuẩn"'), encoding="utf-8")
    output = load(path)
    assert "chỉ tiêu: 1 cập nhật, 2 không đổi" in output
    assert Target.objects.get(pk=first.pk).name == "Trạm y tế xã đạt chuẩn"


def test_it_stores_text_as_nfc(db, tmp_path):
    decomposed = unicodedata.normalize("NFD", TINY)
    assert decomposed != TINY
    path = tmp_path / "nfd.yaml"
    path.write_text(decomposed, encoding="utf-8")
    load(path)
    name = Target.objects.get(code="2027.01", plan__slug="tra-bong-thu-nghiem").name
    assert name == "Trạm y tế đạt chuẩn" and unicodedata.is_normalized("NFC", name)


def test_targets_of_one_indicator_must_share_their_unit(db, tmp_path):
    text = TINY.replace("    kind: limit\n", '    kind: limit\n    indicator: "tram-y-te"\n').replace(
        '    unit: "điểm %/năm"\n    kind: annual_change\n',
        '    unit: "điểm %/năm"\n    kind: annual_change\n    indicator: "tram-y-te"\n',
    )
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    assert_refused(path, "chỉ tiêu 2027.02", "cùng chỉ số “tram-y-te” với chỉ tiêu 2027.01 nhưng số liệu khác đơn vị")
