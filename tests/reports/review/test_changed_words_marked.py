"""Browser pass 34: the reviewer's table of changes since the last submission showed two whole paragraphs, and the
reviewer hunted by eye for the words that changed. The words that went are struck through in the old text, those
that came underlined in the new; the rest reads as typed, escaped like every text."""

import pytest

from reports.editing.completeness import WORDS_MARKED_AT_MOST, marked_words
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season
FIRST = "Hỗ trợ 46 tấn phân bón cho 212 hộ đồng bào dân tộc thiểu số; xây dựng 02 mô hình nuôi bò sinh sản."
SECOND = "Hỗ trợ 52 tấn phân bón cho 212 hộ đồng bào dân tộc thiểu số; xây dựng 03 mô hình <script>x</script> sinh sản."


def changes_table(html: str) -> str:
    start = html.index('id="thay-doi"')
    return html[start : html.index("</table>", start)]


def test_the_words_that_changed_are_marked_in_the_reviewers_table(plan, cast):
    report = current_report(plan, "LDTBXH")
    staff, reviewer = PortalClient(), PortalClient()
    staff.force_login(cast["canbo.ldtbxh"])
    reviewer.force_login(cast["vanphong"])
    code = report.task_entries.filter(role="lead").values_list("section__code", flat=True).first()
    with on("2026-11-20"):
        sent = staff.post(
            f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().lead(code, results=FIRST).data("submit")
        )
        assert sent.status_code == 302
        assert post_seen(reviewer, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Xem lại số liệu."}).status_code == 302
        assert (
            staff.post(
                f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, results=SECOND).data("submit")
            ).status_code
            == 302
        )
        html = reviewer.get(f"/bao-cao/{report.pk}/").content.decode()
    table = changes_table(html)
    assert "<del>46</del>" in table and "<ins>52</ins>" in table
    assert "<del>02</del>" in table and "<del>nuôi bò</del>" in table
    assert "<ins>03</ins>" in table and "<ins>&lt;script&gt;x&lt;/script&gt;</ins>" in table and "<script>" not in table
    assert "tấn phân bón cho 212 hộ đồng bào dân tộc thiểu số; xây dựng" in table  # the rest as typed, unmarked
    assert "Chữ <del>gạch ngang nền đỏ</del>: đã bỏ; chữ <ins>gạch chân nền xanh</ins>: mới thêm." in html


def test_a_text_wholly_new_or_too_long_to_compare_is_shown_unmarked():
    assert marked_words("", "Mới <b>") == ("", "Mới &lt;b&gt;")
    long = " ".join(["từ"] * (WORDS_MARKED_AT_MOST + 1))
    old, new = marked_words(long, long + " thêm")
    assert "<ins>" not in new and new.endswith("từ thêm")
    assert marked_words("a b c", "a x c") == ("a <del>b</del> c", "a <ins>x</ins> c")
    assert marked_words("a b", "a b c d") == ("a b", "a b <ins>c d</ins>")  # the space before stays outside
