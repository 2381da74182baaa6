"""The shipped data file against the plan as issued (tests/data/seed_plan.txt)."""

import re
from decimal import Decimal

import pytest

from agencies.models import Agency
from targets.models import Target
from tasks.models import Role, Section
from tasks.structure import build_tree, walk


def normalise(text: str) -> str:
    """The seed's PDF line breaks and page-number lines removed, whitespace collapsed."""
    lines = [line for line in text.splitlines() if not re.fullmatch(r"\s*\d{1,2}\s*", line)]
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


@pytest.fixture
def seed(seed_text):
    return normalise(seed_text)


def test_every_text_is_verbatim_from_the_seed(plan, seed):
    texts = [("plan.preamble", plan.preamble)]
    for section in plan.sections.all():
        for field in ("title", "content", "lead_text", "coordinating_text"):
            texts += [(f"{section.code}.{field}", p) for p in getattr(section, field).splitlines()]
    texts += [(f"{target.code}.statement", target.statement) for target in plan.targets.all()]
    texts += [(f"recipient {r}", r) for r in plan.recipient_list()]
    missing = [where for where, text in texts if text.strip() and normalise(text) not in seed]
    assert missing == []
    assert len(texts) > 200  # the check is not vacuous


def test_the_document_has_every_part_and_group_in_order(plan):
    parts = build_tree(plan)
    assert [node.section.title for node in parts] == [
        "MỤC ĐÍCH, YÊU CẦU",
        "MỤC TIÊU, TẦM NHÌN ĐẾN NĂM 2045",
        "NHIỆM VỤ",
        "GIẢI PHÁP THỰC HIỆN",
        "TỔ CHỨC THỰC HIỆN",
    ]
    assert [len(node.children) for node in parts] == [2, 3, 6, 7, 8]
    tasks = parts[2]
    assert [child.section.number for child in tasks.children[2].children] == [
        "a",
        "b",
        "c",
        "d",
        "đ",
        "e",
        "g",
    ]


# Numbered items of each task block, counted by hand from the seed.
ITEMS_PER_BLOCK = {
    "III.1": 0, "III.2.a": 4, "III.2.b": 3, "III.2.c": 3, "III.2.d": 8, "III.3.a": 5, "III.3.b": 3,
    "III.3.c": 3, "III.3.d": 2, "III.3.đ": 3, "III.3.e": 2, "III.3.g": 0, "III.4": 3, "III.5": 2, "III.6": 0,
}  # fmt: skip


def test_task_items_match_the_seed(plan):
    for code, expected in ITEMS_PER_BLOCK.items():
        block = Section.objects.get(plan=plan, code=code)
        items = list(block.children.values_list("number", flat=True))
        assert items == [f"({n})" for n in range(1, expected + 1)], code
    assert plan.sections.filter(kind="item").count() == sum(ITEMS_PER_BLOCK.values()) == 41


def test_target_counts_per_horizon(plan):
    counts = {h: plan.targets.filter(horizon=h).count() for h in (2025, 2030, 2045)}
    assert counts == {2025: 27, 2030: 21, 2045: 4}
    assert plan.targets.filter(kind="qualitative").count() == 10


def seed_numbers(seed: str, start: str, end: str) -> set[Decimal]:
    """Every figure written in a stretch of the seed, except years, ages and group counts."""
    text = seed[seed.index(start) : seed.index(end)]
    text = re.sub(r"(19|20)\d\d|\d+ tuổi|\d+ nhóm", "", text).replace("1/2", "0,5")
    return {Decimal(n.replace(",", ".")) for n in re.findall(r"\d+(?:,\d+)?", text)}


def test_every_figure_of_section_two_is_a_target_value(plan, seed):
    values = set()
    for target in plan.targets.exclude(kind="qualitative"):
        values |= {target.value.normalize(), *([target.value_max.normalize()] if target.value_max else [])}
    written = seed_numbers(seed, "a) Mục tiêu đến năm 2025", "III. NHIỆM VỤ")
    assert {n.normalize() for n in written} - values == set()


@pytest.mark.parametrize(
    ("code", "comparison", "value", "value_max", "kind", "unit"),
    [
        ("2025.01", ">", "2", None, "multiple_of_baseline", "lần"),
        ("2025.02", "range", "4", "4.5", "annual_change", "điểm %/năm"),
        ("2025.07", ">=", "95", None, "level", "%"),
        ("2025.21", "<", "15", None, "level", "%"),
        ("2030.01", "range", "7", "8", "annual_change", "%/năm"),
        ("2030.02", "=", "0.5", None, "relative", "lần"),
        ("2030.06", ">", "0.69", None, "level", "chỉ số"),
        ("2045.02", "=", "0", None, "zero", "%"),
    ],
)
def test_targets_keep_their_numbers(plan, code, comparison, value, value_max, kind, unit):
    target = Target.objects.get(plan=plan, code=code)
    assert (target.comparison, target.kind, target.unit) == (comparison, kind, unit)
    assert target.value == Decimal(value)
    assert target.value_max == (Decimal(value_max) if value_max else None)


def test_sub_targets_hang_off_their_sentence(plan):
    women = Target.objects.get(plan=plan, code="2030.08.1")
    assert women.parent.code == "2030.08" and women.value == 50 and "trong đó" in women.statement


def test_per_item_leads_of_infrastructure(plan):
    expected = {1: "KTHT", 2: "GDDT", 3: "TTYT", 4: "VHTT", 5: "NNPTNT", 6: "KTHT", 7: "VHTT", 8: "KTHT"}
    for number, agency in expected.items():
        item = Section.objects.get(plan=plan, code=f"III.2.d.{number}")
        assert list(item.assignments.filter(role=Role.LEAD).values_list("agency__code", flat=True)) == [agency]
    block = Section.objects.get(plan=plan, code="III.2.d")
    assert not block.assignments.filter(role=Role.LEAD).exists()
    assert "(1), (6), (8) Phòng Kinh tế và Hạ tầng" in block.lead_text


def test_poverty_reduction_leads_per_national_programme(plan):
    block = Section.objects.get(plan=plan, code="III.3.đ")
    leads = list(block.assignments.filter(role=Role.LEAD).values_list("agency__code", "scope"))
    assert leads == [
        ("TCKH", "Chương trình MTQG phát triển KTXH vùng đồng bào dân tộc thiểu số và miền núi"),
        ("NNPTNT", "Chương trình MTQG Xây dựng nông thôn mới"),
        ("LDTBXH", "Chương trình MTQG Giảm nghèo bền vững"),
    ]


def test_the_led_by_query_agrees_with_the_tree_for_every_agency(plan):
    nodes = list(walk(build_tree(plan)))
    for agency in Agency.objects.all():
        for role, attribute in ((Role.LEAD, "leads"), (Role.COORDINATING, "coordinating")):
            from_tree = {n.section.code for n in nodes if agency in [a.agency for a in getattr(n, attribute)]}
            from_query = set(plan.sections.with_role(agency, role).values_list("code", flat=True))
            assert from_query == from_tree, (agency.code, role)


def test_inherited_and_per_item_leads(plan):
    def led(code):
        return set(plan.sections.led_by(Agency.objects.get(code=code)).values_list("code", flat=True))

    assert led("TTYT") == {"III.2.d.3", "III.3.c.3"}
    assert led("PYT") == {"III.3.c.1"}
    assert led("NNPTNT") == {
        "III.2.a", "III.2.a.1", "III.2.a.2", "III.2.a.3", "III.2.a.4", "III.2.d.5",
        "III.3.đ", "III.3.đ.1", "III.3.đ.2", "III.3.đ.3",
    }  # fmt: skip
    assert led("BCHQS") == {"III.4", "III.4.1", "III.4.2", "III.4.3"}
    assert led("UBND-BA") == set()


def test_every_agency_named_in_part_three_is_known(plan):
    part_three = " ".join(s.lead_text + " " + s.coordinating_text for s in plan.sections.filter(code__startswith="III"))
    for name in [
        "Văn phòng huyện",
        "Trung tâm Y tế",
        "Phòng Tư pháp",
        "Công an huyện",
        "Ban Dân vận Huyện ủy",
    ]:
        assert name in part_three
    assigned = set(Agency.objects.filter(assignments__section__plan=plan).values_list("code", flat=True))
    assert len(assigned) == 22
    assert {"BDT-TINH", "NHCSXH-TINH"} <= set(plan.agencies.values_list("code", flat=True))
