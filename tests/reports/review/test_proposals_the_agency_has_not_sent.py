"""Issue 17 (the probe's second pass): a reviewer answered a proposal the agency had typed in its draft, or after
its report was sent back, and the answer showed on the agency's draft. What the agency has not sent is its own
(README): its proposals are answered only once sent, and until then the answer is the one for an id that does not
exist, so sequential ids tell nothing."""

import re

import pytest

from reports.models import AgencyReport, Proposal
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, current_report, post_seen

pytestmark = pytest.mark.season  # the report is saved and sent within its cycle


def _typed(cast, report, text):
    """The agency's staff save their report with a new proposal; its id."""
    staff = PortalClient()
    staff.force_login(cast["canbo.ldtbxh"])
    assert staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).add_proposal(text).data()).status_code == 302
    return Proposal.objects.get(report=report, text=text)


def _answer(client, report, proposal_id):
    data = {f"p{proposal_id}-state": "answered", f"p{proposal_id}-response": "Huyện đã bố trí kinh phí."}
    return client.post(f"/bao-cao/{report.pk}/kien-nghi/{proposal_id}/", data)


def _unmasked(response) -> str:
    """The page without its CSRF token, which Django masks afresh on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _unanswered(proposal):
    proposal.refresh_from_db()
    return proposal.state == "received" and proposal.response == "" and proposal.responded_by is None


@pytest.fixture
def reviewer(cast):
    client = PortalClient()
    client.force_login(cast["vanphong"])
    return client


def test_a_proposal_in_a_draft_cannot_be_answered_and_looks_like_no_proposal(cast, plan, reviewer):
    report = current_report(plan, "LDTBXH")
    proposal = _typed(cast, report, "Đề nghị hỗ trợ kinh phí dạy nghề cho lao động nông thôn.")
    refused = _answer(reviewer, report, proposal.pk)
    missing = _answer(reviewer, report, Proposal.objects.order_by("-pk").first().pk + 1000)
    assert refused.status_code == missing.status_code == 404
    assert _unmasked(refused) == _unmasked(missing)
    assert _unanswered(proposal)
    staff = PortalClient()
    staff.force_login(cast["canbo.ldtbxh"])
    assert "Huyện đã bố trí kinh phí." not in staff.get(f"/bao-cao/{report.pk}/").content.decode()


def test_a_proposal_typed_after_a_send_back_cannot_be_answered_until_sent_again(cast, plan, reviewer):
    report = current_report(plan, "LDTBXH")
    staff = PortalClient()
    staff.force_login(cast["canbo.ldtbxh"])
    assert staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code == 302
    data = {"reason": "Bổ sung số liệu.", "correction_due_on": ""}
    assert post_seen(reviewer, f"/bao-cao/{report.pk}/tra-lai/", data).status_code == 302
    assert AgencyReport.objects.get(pk=report.pk).state == "sent_back"
    proposal = _typed(cast, report, "Đề nghị bổ sung cán bộ giảm nghèo.")
    assert _answer(reviewer, report, proposal.pk).status_code == 404
    assert _unanswered(proposal)

    # Sent again, it is the reviewer's to answer.
    report.refresh_from_db()
    assert staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit")).status_code == 302
    assert _answer(reviewer, report, proposal.pk).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "answered" and proposal.responded_by == cast["vanphong"]
