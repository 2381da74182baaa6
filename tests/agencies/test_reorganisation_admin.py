"""The administrator records a merge and a split in the admin (predecessors, successors and moves as inlines,
checked together by the data file's rules); the 2026 cycle, dashboard and consolidated report follow them
while 2024 stays as it was. Only the administrator reaches these pages."""

import pytest

from agencies.models import Agency, Membership, MembershipMove, Reorganisation
from reports.consolidated.blocks import Para
from reports.consolidated.document import build_document
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from reports.models import ReportingCycle
from tests.conftest import SLUG
from tests.test_access import ROLES

ADD = "/quan-tri/agencies/reorganisation/add/"


def inline(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for n, row in enumerate(rows):
        data |= {f"{prefix}-{n}-{key}": value for key, value in row.items()}
    return data


def reorganisation(code, kind, predecessors, successors, moves=(), main=None, date="01/07/2025") -> dict:
    agency = {a.code: a.pk for a in Agency.objects.all()}
    data = {"code": code, "kind": kind, "effective_on": date, "legal_basis": "Quyết định minh họa", "note": ""}
    data |= inline("predecessor_links", [{"agency": agency[c]} for c in predecessors])
    data |= inline("successor_links", [{"agency": agency[c], **({"is_main": "on"} if c == main else {})}
                                       for c in successors])  # fmt: skip
    return data | inline("moves", [{**item, "agency": agency[to]} for item, to in moves])


@pytest.fixture
def admin_client(client, cast):
    client.force_login(cast["quantri"])
    return client


@pytest.fixture
def new_agencies(plan):
    commune = Agency.objects.create(code="XA-MOI-MH", name="Ủy ban nhân dân xã Mới (minh họa)",
                                    short_name="UBND xã Mới (minh họa)", kind="commune")  # fmt: skip
    department = Agency.objects.create(code="SO-MH", name="Sở Nông nghiệp và Môi trường (minh họa)",
                                       short_name="Sở NN&MT (minh họa)", kind="provincial")  # fmt: skip
    return commune, department


def test_an_administrator_records_a_merge_and_a_split(admin_client, cast, plan, new_agencies):
    commune, department = new_agencies
    open_cycle(plan, 2024)
    merge = reorganisation("xa-moi", "merge", ["UBND-BA", "UBND-BK"], ["XA-MOI-MH"])
    response = admin_client.post(ADD, merge)
    assert response.status_code == 302, response.content.decode()[:3000]
    section = plan.sections.get(code="III.2.d.5")
    split = reorganisation("chia-nnptnt", "split", ["NNPTNT"], ["SO-MH", "XA-MOI-MH"], main="SO-MH",
                           moves=[({"section": section.pk, "target": ""}, "XA-MOI-MH")])  # fmt: skip
    response = admin_client.post(ADD, split)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert all(r.applied_at for r in Reorganisation.objects.all())  # in force already: applied on saving
    assert Membership.objects.get(user=cast["canbo.binhan"]).agency == commune
    assert MembershipMove.objects.filter(to_agency=department, from_agency__code="NNPTNT").count() == 1
    history = Reorganisation.history.filter(code="xa-moi").order_by("history_date")
    assert [(h.history_type, h.applied_at is not None, h.history_user) for h in history] == [
        ("+", False, cast["quantri"]),
        ("~", True, cast["quantri"]),  # applied on saving, its date having passed
    ]
    codes_2024 = set(ReportingCycle.objects.get(year=2024).reports.values_list("agency__code", flat=True))
    codes_2026 = set(open_cycle(plan, 2026).reports.values_list("agency__code", flat=True))
    assert {"UBND-BA", "UBND-BK", "NNPTNT"} <= codes_2024 and not {"XA-MOI-MH", "SO-MH"} & codes_2024
    assert {"XA-MOI-MH", "SO-MH"} <= codes_2026 and not {"UBND-BA", "UBND-BK", "NNPTNT"} & codes_2026
    dashboard = admin_client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    assert "Ủy ban nhân dân xã Mới (minh họa)" in dashboard
    leads_2026 = [p.text for p in build_document(gather(ConsolidatedReport.request(plan, 2026))).body
                  if isinstance(p, Para) and p.lead == "Cơ quan chủ trì:"]  # fmt: skip
    leads_2024 = [p.text for p in build_document(gather(ConsolidatedReport.request(plan, 2024))).body
                  if isinstance(p, Para) and p.lead == "Cơ quan chủ trì:"]  # fmt: skip
    assert "Sở Nông nghiệp và Môi trường (minh họa)." in leads_2026
    assert "Ủy ban nhân dân xã Mới (minh họa)." in leads_2026
    assert "Phòng Nông nghiệp và Phát triển nông thôn." in leads_2024 and "minh họa" not in " ".join(leads_2024)
    applied = Reorganisation.objects.get(code="xa-moi").pk
    assert admin_client.get(f"/quan-tri/agencies/reorganisation/{applied}/change/").status_code == 200
    assert admin_client.get(f"/quan-tri/agencies/reorganisation/{applied}/delete/").status_code == 403  # staff moved


def test_the_admin_refuses_a_split_that_leaves_a_task_with_nobody(admin_client, plan, new_agencies):
    split = reorganisation("chia-thieu", "split", ["NNPTNT"], ["SO-MH", "XA-MOI-MH"])
    response = admin_client.post(ADD, split)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhiệm vụ, chỉ tiêu chuyển giao: nhiệm vụ III.2.a (chủ trì) của “NNPTNT” không có đơn vị tiếp nhận" in page
    assert not Reorganisation.objects.exists() and Agency.objects.get(code="NNPTNT").is_active


def test_the_admin_refuses_overlapping_reorganisations(admin_client, plan, new_agencies):
    assert (
        admin_client.post(ADD, reorganisation("dau", "merge", ["UBND-BA", "UBND-BK"], ["XA-MOI-MH"])).status_code == 302
    )
    response = admin_client.post(ADD, reorganisation("sau", "rename", ["UBND-BA"], ["SO-MH"], date="01/01/2026"))
    assert response.status_code == 200
    assert "“UBND-BA” đã ngừng hoạt động từ ngày 01/07/2025 (sắp xếp “dau”): hai sắp xếp chồng chéo." in (
        response.content.decode()
    )
    assert Reorganisation.objects.count() == 1


def test_a_reorganisation_recorded_ahead_of_its_date_waits_for_it(admin_client, cast, plan, new_agencies):
    from agencies.reorganising import apply_due

    response = admin_client.post(ADD, reorganisation("sau-nay", "merge", ["UBND-BA", "UBND-BK"], ["XA-MOI-MH"],
                                                     date="01/01/2027"))  # fmt: skip
    assert response.status_code == 302
    assert Reorganisation.objects.get().applied_at is None
    assert Membership.objects.get(user=cast["canbo.binhan"]).agency.code == "UBND-BA"
    assert apply_due()["applied"] == 0  # the nightly job: not yet
    import datetime

    from django.utils import timezone

    day = timezone.make_aware(datetime.datetime(2027, 1, 1, 0, 5))
    assert apply_due(day) == {"applied": 1, "closed": 2, "moved": 2}
    assert Membership.objects.get(user=cast["canbo.binhan"]).agency.code == "XA-MOI-MH"
    assert apply_due(day)["applied"] == 0  # once


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize(
    "url",
    ["/quan-tri/agencies/reorganisation/", ADD, "/quan-tri/agencies/membershipmove/", "/quan-tri/tasks/reportissuer/"],
)
def test_only_the_administrator_reaches_the_reorganisation_pages(client, cast, username, url):
    client.force_login(cast[username])
    response = client.get(url)
    if username == "quantri":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith("/quan-tri/login/")


def test_an_applied_reorganisation_keeps_who_came_before_and_after(admin_client, plan, new_agencies):
    from tests.reports.helpers import rendered_form_data

    assert (
        admin_client.post(ADD, reorganisation("xa-moi", "merge", ["UBND-BA", "UBND-BK"], ["XA-MOI-MH"])).status_code
        == 302
    )
    url = f"/quan-tri/agencies/reorganisation/{Reorganisation.objects.get().pk}/change/"
    page = admin_client.get(url).content.decode()
    data = rendered_form_data(page[page.index('id="reorganisation_form"') :])
    assert "effective_on" not in data and "predecessor_links-0-agency" not in data  # shown, not editable
    response = admin_client.post(url, data | {"legal_basis": "Nghị quyết số 1/NQ (minh họa)", "_save": "Lưu"})
    assert response.status_code == 302
    assert Reorganisation.objects.get().legal_basis == "Nghị quyết số 1/NQ (minh họa)"
    assert list(Reorganisation.objects.get().predecessor_links.values_list("agency__code", flat=True)) == [
        "UBND-BA",
        "UBND-BK",
    ]


def test_a_future_reorganisation_shapes_the_cycle_it_falls_in_and_deleting_it_undoes_that(admin_client, plan,
                                                                                          new_agencies):  # fmt: skip
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=1)  # not in force yet: nobody moves
    year = day.year if day <= plan.organisation_date(day.year) else day.year + 1
    cycle = open_cycle(plan, year)
    date = day.strftime("%d/%m/%Y")
    merge = reorganisation("sap-toi", "merge", ["UBND-BA", "UBND-BK"], ["XA-MOI-MH"], date=date)
    assert admin_client.post(ADD, merge).status_code == 302
    codes = set(cycle.reports.values_list("agency__code", flat=True))
    assert "XA-MOI-MH" in codes and not {"UBND-BA", "UBND-BK"} & codes  # its due date follows the merge
    assert Agency.objects.get(code="UBND-BA").is_active and Reorganisation.objects.get().applied_at is None
    pk = Reorganisation.objects.get().pk
    response = admin_client.post(f"/quan-tri/agencies/reorganisation/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Reorganisation.objects.exists()
    codes = set(cycle.reports.values_list("agency__code", flat=True))
    assert {"UBND-BA", "UBND-BK"} <= codes and "XA-MOI-MH" not in codes


def test_recording_a_merge_in_the_admin_hands_a_filled_report_to_the_new_commune(admin_client, cast, plan,
                                                                                  new_agencies):  # fmt: skip
    from reports.models import AgencyReport
    from tests.reports.helpers import ReportPage, current_report

    filled = current_report(plan, "UBND-BA", 2026)
    admin_client.force_login(cast["canbo.binhan"])
    page = ReportPage(filled)
    page.values["difficulties"] = "Thiếu nhà văn hóa thôn."
    assert admin_client.post(f"/bao-cao/{filled.pk}/", page.data("save")).status_code == 302
    admin_client.force_login(cast["quantri"])
    response = admin_client.post(ADD, reorganisation("xa-moi", "merge", ["UBND-BA", "UBND-BK"], ["XA-MOI-MH"]),
                                 follow=True)  # fmt: skip
    assert "Đã chuyển giao 1 báo cáo của đơn vị đã kết thúc và phần đã chuyển đi của 0 báo cáo khác cho đơn vị " in (
        response.content.decode()
    )
    assert AgencyReport.objects.get(pk=filled.pk).handed_over_at is not None
    new = AgencyReport.objects.get(cycle=filled.cycle, agency__code="XA-MOI-MH")
    assert new.difficulties == "UBND xã Bình An: Thiếu nhà văn hóa thôn."
