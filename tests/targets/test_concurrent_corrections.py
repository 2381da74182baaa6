"""Issue 17: concurrent corrections of one value gave 500s (PostgreSQL: the locked version, once released, was no
longer current and the new version broke the unique index) and overwrote each other unseen; the values import
replaced an approved figure with no reason. Writers now queue on the target's row, a correction carries the version
it was opened on and is refused when another landed meanwhile, and the import leaves approved figures to the
correction page."""

import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.utils.html import escape

from targets.models import TargetValue
from targets.recording import record_value
from tests.reports.helpers import current_report, on

pytestmark = pytest.mark.season
CODE = "2030.04"


def _url(plan):
    return f"/ke-hoach/{plan.slug}/chi-tieu/{CODE}/dinh-chinh/?nam=2026"


def _reviewer(cast) -> Client:
    reviewer = Client()
    reviewer.force_login(cast["vanphong"])
    return reviewer


def _opened(reviewer, plan) -> str:
    """The hidden `based_on` of the correction page as it was opened."""
    page = reviewer.get(_url(plan)).content.decode()
    return re.search(r'name="based_on" value="([^"]*)"', page).group(1)


def _correction(value, based_on=None, reason="Cục Thống kê công bố lại số liệu.") -> dict:
    data = {"year": 2026, "value": str(value), "is_estimate": "on", "reason": reason}
    return data if based_on is None else data | {"based_on": based_on}


def _versions(plan):
    return TargetValue.objects.filter(target__plan=plan, target__code=CODE, year=2026)


@pytest.fixture
def figure(plan):
    """2026's figure, from the approved report of the agency."""
    report = current_report(plan, "LDTBXH")
    target = plan.targets.get(code=CODE)
    return record_value(target, 2026, Decimal("50"), as_of=datetime.date(2026, 11, 30), is_estimate=True,
                        source="Báo cáo năm 2026", source_report=report)  # fmt: skip


@on("2026-12-06")
def test_a_correction_opened_before_another_landed_is_refused_and_keeps_what_was_typed(cast, plan, figure):
    first, second = _reviewer(cast), _reviewer(cast)
    stale = _opened(first, plan)
    assert stale == f"2026:{figure.pk}"
    assert second.post(_url(plan), _correction(61, _opened(second, plan))).status_code == 302

    response = first.post(_url(plan), _correction(60, stale, reason="Lý do của người mở trang trước."))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Số liệu năm 2026 vừa được ghi lại (61%, Đính chính, lúc " in html
    assert "sau khi anh/chị mở trang: xin xem số liệu mới rồi đính chính." in html
    assert "Lý do của người mở trang trước." in html and 'value="60"' in html  # nothing typed is lost
    current = TargetValue.objects.current().get(target__plan=plan, target__code=CODE, year=2026)
    assert current.value == Decimal("61") and _versions(plan).count() == 2  # nothing recorded

    # the page now shows the new figure and is based on it: posting again, seeing it, is a decision
    based_on = re.search(r'name="based_on" value="([^"]*)"', html).group(1)
    assert based_on == f"2026:{current.pk}"
    assert first.post(_url(plan), _correction(60, based_on)).status_code == 302
    assert TargetValue.objects.current().get(pk__gt=current.pk).value == Decimal("60")


@on("2026-12-06")
def test_a_correction_opened_before_an_approval_landed_is_refused(cast, plan):
    reviewer = _reviewer(cast)
    stale = _opened(reviewer, plan)
    assert stale == "2026:"  # no figure yet when the page was opened
    record_value(plan.targets.get(code=CODE), 2026, Decimal("50"), is_estimate=True,
                 source_report=current_report(plan, "LDTBXH"), source="Báo cáo năm 2026")  # fmt: skip
    response = reviewer.post(_url(plan), _correction(60, stale))
    assert response.status_code == 409
    assert "Số liệu năm 2026 vừa được ghi lại (50%, Báo cáo năm 2026, lúc " in response.content.decode()
    assert _versions(plan).count() == 1


@on("2026-12-06")
def test_the_import_does_not_replace_a_figure_from_an_approved_report(cast, plan, figure):
    reviewer = _reviewer(cast)
    rows = f"target_code,year,value,as_of,note,reference\n2025.07,2025,82,31/12/2025,,\n{CODE},2026,70,,,\n"
    response = reviewer.post(
        f"/ke-hoach/{plan.slug}/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", rows.encode())}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        escape(
            f"Dòng 3, cột value: năm 2026 của chỉ tiêu {CODE} đã có số liệu từ báo cáo đã duyệt của "
            f"{figure.source_report.agency.short_name}: dùng “Đính chính” để sửa, kèm lý do."
        )
        in html
    )
    assert list(TargetValue.objects.all()) == [figure]  # all or nothing: the other row is not imported either


@on("2026-12-06")
def test_the_import_may_repeat_an_approved_figure_unchanged(cast, plan, figure):
    rows = f"target_code,year,value,as_of,note,reference\n{CODE},2026,50,{figure.as_of:%d/%m/%Y},,\n"
    response = _reviewer(cast).post(
        f"/ke-hoach/{plan.slug}/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", rows.encode())}
    )
    assert response.status_code == 302
    assert list(TargetValue.objects.all()) == [figure]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("from_the_page", [True, False])
def test_concurrent_corrections_on_postgresql_queue_and_never_fail(cast, plan, from_the_page):
    """Six reviewers post at once, each in its own thread and database connection (autocommit, as in production):
    from the page (all opened on the same figure) one lands and five are refused; without the page's `based_on`
    (a post not from the page) all six land, one after the other. Never a 500, always exactly one current value."""
    if connection.vendor != "postgresql":
        pytest.skip("the race is reproduced on PostgreSQL, the production database (.ci/run)")
    with on("2026-12-06"):
        record_value(plan.targets.get(code=CODE), 2026, Decimal("50"), is_estimate=True)
        reviewers = [_reviewer(cast) for _ in range(6)]
        based_on = _opened(reviewers[0], plan) if from_the_page else None
        start, statuses = threading.Barrier(6), {}

        def correct(i):
            try:
                start.wait(30)
                statuses[i] = reviewers[i].post(_url(plan), _correction(60 + i, based_on)).status_code
            finally:
                connections.close_all()

        threads = [threading.Thread(target=correct, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(statuses.values()) == ([302] + [409] * 5 if from_the_page else [302] * 6)
    assert TargetValue.objects.current().filter(target__code=CODE, year=2026).count() == 1
    assert _versions(plan).count() == (2 if from_the_page else 7)


@on("2026-12-06")
def test_a_correction_whose_year_was_changed_in_the_form_is_refused_until_that_years_figure_is_seen(cast, plan):
    """The nineteenth probe: the page opened on 2026 carries `based_on=2026:<id>`; choosing 2024 in the year list
    and posting replaced 2024's figure unseen (and carried 2026's note over)."""
    target = plan.targets.get(code=CODE)
    earlier = record_value(target, 2024, Decimal("40"), as_of=datetime.date(2024, 12, 31), source="Báo cáo năm 2024")
    record_value(target, 2026, Decimal("50"), is_estimate=True, note="Ghi chú của năm 2026.")
    reviewer = _reviewer(cast)
    based_on = _opened(reviewer, plan)
    assert based_on.startswith("2026:")
    data = {"year": 2024, "value": "45", "as_of": "31/12/2024", "reason": "Số liệu năm 2024 được công bố lại.",
            "note": "Ghi chú của năm 2026.", "based_on": based_on}  # fmt: skip
    response = reviewer.post(_url(plan), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert (
        "Trang đang hiện số liệu năm 2026, còn anh/chị chọn năm 2024 (năm 2024 hiện có: 40%, Báo cáo năm 2024, lúc "
        in html
    )
    assert "Số liệu năm 2024 được công bố lại." in html and 'value="45"' in html  # nothing typed is lost
    current = TargetValue.objects.current().get(target=target, year=2024)
    assert current == earlier  # nothing recorded
    # the page is now based on 2024's figure: posting again, having seen it, is a decision
    assert f'name="based_on" value="2024:{earlier.pk}"' in html
    assert reviewer.post(_url(plan), data | {"based_on": f"2024:{earlier.pk}"}).status_code == 302
    assert TargetValue.objects.current().get(target=target, year=2024).value == Decimal("45")
