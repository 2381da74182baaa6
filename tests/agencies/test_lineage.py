"""Who leads, coordinates and owns what on a date: the plan's assignments as written, carried through the
reorganisations in force then (the illustrative file tests/data/sap_xep_minh_hoa.yaml), in a fixed number of
queries."""

import datetime
import io

import pytest
from django.core.management import call_command

from agencies.lineage import Lineage
from agencies.models import Agency
from tasks.models import Assignment, Section
from tasks.structure import build_tree, walk
from tests.conftest import DATA

BEFORE, AFTER = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)


@pytest.fixture
def reorganised(plan):
    call_command("load_reorganisation", str(DATA / "sap_xep_minh_hoa.yaml"), stdout=io.StringIO())
    return plan


def codes(sections) -> list[str]:
    return [s.code for s in sections]


def agency(code) -> Agency:
    return Agency.objects.get(code=code)


def test_the_plans_assignments_stay_as_written(reorganised):
    assert Assignment.objects.filter(agency__code="UBND-BAK-MH").count() == 0
    assert reorganised.sections.get(code="III.2.a").assignments.get(role="lead").agency.code == "NNPTNT"


def test_a_merged_communes_tasks_pass_to_the_new_commune_on_the_date(reorganised):
    commune, binh_an = agency("UBND-BAK-MH"), agency("UBND-BA")
    before = codes(Section.objects.coordinated_by(binh_an, on=BEFORE))
    assert "III.1" in before and "III.3.g" in before
    assert codes(Section.objects.coordinated_by(binh_an, on=AFTER)) == []
    assert codes(Section.objects.coordinated_by(commune, on=BEFORE)) == []
    assert codes(Section.objects.coordinated_by(commune, on=AFTER)) == before  # both communes' parts, once each
    # and what the district offices handed to it: one item by the split, one by the transfer
    assert codes(Section.objects.led_by(commune, on=AFTER)) == ["III.2.d.1", "III.2.d.5"]
    assert codes(Section.objects.led_by(commune)) == ["III.2.d.1", "III.2.d.5"]  # today is after the date


def test_a_split_gives_the_rest_to_its_main_successor(reorganised):
    department, office = agency("SNNMT-MH"), agency("NNPTNT")
    led = codes(Section.objects.led_by(office, on=BEFORE))
    assert led == ["III.2.a", "III.2.a.1", "III.2.a.2", "III.2.a.3", "III.2.a.4", "III.2.d.5", "III.3.đ",
                   "III.3.đ.1", "III.3.đ.2", "III.3.đ.3"]  # fmt: skip
    assert codes(Section.objects.led_by(department, on=AFTER)) == [c for c in led if c != "III.2.d.5"]
    assert codes(Section.objects.led_by(office, on=AFTER)) == []


def test_a_transfer_moves_only_what_it_names(reorganised):
    office = agency("KTHT")
    before, after = codes(Section.objects.led_by(office, on=BEFORE)), codes(Section.objects.led_by(office, on=AFTER))
    assert "III.2.d.1" in before and after == [c for c in before if c != "III.2.d.1"]


def test_a_renamed_office_keeps_every_task_under_its_new_name(reorganised):
    old, new = agency("VHTT"), agency("VHKHTT-MH")
    assert codes(Section.objects.led_by(new, on=AFTER)) == codes(Section.objects.led_by(old, on=BEFORE))
    assert codes(Section.objects.coordinated_by(new, on=AFTER)) == codes(Section.objects.coordinated_by(old, on=BEFORE))


def test_target_owners_follow_the_date(reorganised):
    lineage = Lineage.load()
    chosen = ["2025.04", "2025.09", "2025.07", "2025.23"]
    targets = list(reorganised.targets.select_related("responsible_agency").filter(code__in=chosen))
    before = {t.code: a.code for t in targets for a in [lineage.owners([t], BEFORE)[t.pk]]}
    after = {t.code: a.code for t in targets for a in [lineage.owners([t], AFTER)[t.pk]]}
    assert before == {"2025.04": "KTHT", "2025.07": "NNPTNT", "2025.09": "NNPTNT", "2025.23": "VHTT"}
    assert after == {"2025.04": "UBND-BAK-MH", "2025.07": "SNNMT-MH", "2025.09": "UBND-BAK-MH", "2025.23": "VHKHTT-MH"}


def test_the_tree_of_a_date_names_that_dates_agencies(reorganised):
    def leads(on):
        nodes = {n.section.code: n for n in walk(build_tree(reorganised, on))}
        chosen = ["III.2.a", "III.2.a.3", "III.2.d.5", "III.3.đ"]
        return nodes, {code: [h.agency.code for h in nodes[code].leads] for code in chosen}

    _, before = leads(BEFORE)
    nodes, after = leads(AFTER)
    assert before == {"III.2.a": ["NNPTNT"], "III.2.a.3": ["NNPTNT"], "III.2.d.5": ["NNPTNT"],
                      "III.3.đ": ["TCKH", "NNPTNT", "LDTBXH"]}  # fmt: skip
    assert after == {"III.2.a": ["SNNMT-MH"], "III.2.a.3": ["SNNMT-MH"], "III.2.d.5": ["UBND-BAK-MH"],
                     "III.3.đ": ["TCKH", "SNNMT-MH", "LDTBXH"]}  # fmt: skip
    assert nodes["III.3.đ"].leads[1].scope == "Chương trình MTQG Xây dựng nông thôn mới"  # the scope goes along
    coordinating = [h.agency.code for h in nodes["III.1"].coordinating]
    assert coordinating == ["TCNV", "UBND-BAK-MH"]  # two merged communes are one coordinator
    assert [a.code for a in nodes["III.1"].coordinating[1].replaces] == ["UBND-BA", "UBND-BK"]
    assert [a.agency.code for a in nodes["III.1"].planned_coordinating] == ["TCNV", "UBND-BA", "UBND-BK"]
    # the department leads III.2.a: the environment office it absorbed no longer coordinates it with itself
    assert "SNNMT-MH" not in [h.agency.code for h in nodes["III.2.a"].coordinating]


def test_the_queries_stay_fixed(reorganised, django_assert_num_queries):
    commune = agency("UBND-BAK-MH")
    # the reorganisations and their predecessors, successors and moves (4), then the sections (1)
    with django_assert_num_queries(5):
        assert len(list(Section.objects.led_by(commune, on=AFTER))) == 2
    lineage = Lineage.load()
    with django_assert_num_queries(1):
        list(Section.objects.coordinated_by(commune, on=AFTER, lineage=lineage))
    with django_assert_num_queries(6):  # sections, assignments, and the reorganisations (4)
        build_tree(reorganised, AFTER)
    with django_assert_num_queries(2):
        build_tree(reorganised, BEFORE, lineage)


def test_without_reorganisations_nothing_changes_and_one_query_says_so(plan, django_assert_num_queries):
    with django_assert_num_queries(1):
        lineage = Lineage.load()
    assert lineage.steps == []
    office = agency("NNPTNT")
    with django_assert_num_queries(2):
        assert "III.2.a" in codes(Section.objects.led_by(office))
