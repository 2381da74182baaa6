"""Whom the consolidated report goes to ("Nơi nhận"): the year's issuer's list, else the plan's own (its file's
`recipients`); nothing of any district is written in the code."""

import pytest

from reports.consolidated.models import default_recipients
from tasks.models import ReportIssuer
from tests.reports.helpers import another_plan, on

pytestmark = pytest.mark.season


def test_without_an_issuer_the_plans_own_recipients(plan):
    assert default_recipients(plan, 2026).splitlines() == plan.recipient_list()
    assert plan.recipient_list()[0] == "Văn phòng UBND tỉnh" and plan.recipient_list()[-1] == "Lưu: VT"


def test_the_years_issuer_names_its_recipients(plan):
    ReportIssuer.objects.create(plan=plan, from_year=2026, issuing_body="Ủy ban nhân dân xã Bình Sơn", place="Bình Sơn",
                                signer_position="CHỦ TỊCH", signer_name="A", recipients="- Sở Dân tộc và Tôn giáo;\n"
                                "- Lưu: VT.")  # fmt: skip
    assert default_recipients(plan, 2026).splitlines() == ["Sở Dân tộc và Tôn giáo", "Lưu: VT"]
    assert default_recipients(plan, 2025).splitlines() == plan.recipient_list()  # the years before it: the plan's


def test_an_issuer_without_recipients_leaves_the_plans(plan):
    ReportIssuer.objects.create(plan=plan, from_year=2026, issuing_body="Ủy ban nhân dân xã Bình Sơn", place="Bình Sơn",
                                signer_position="CHỦ TỊCH", signer_name="A")  # fmt: skip
    assert default_recipients(plan, 2026).splitlines() == plan.recipient_list()


def test_another_plan_gets_its_own_list_never_bình_sơns(client, cast, plan):
    other = another_plan(plan, "ke-hoach-khac", "Kế hoạch trên địa bàn xã Minh Họa")
    other.recipients = "Sở Dân tộc và Tôn giáo\nLưu: VT, VP"
    other.save()
    assert default_recipients(other, 2026) == "Sở Dân tộc và Tôn giáo\nLưu: VT, VP"
    with on("2026-12-06"):
        client.force_login(cast["sodantoc"])
        page = client.get("/ke-hoach/ke-hoach-khac/tong-hop/?nam=2026").content.decode()
    box = page[page.index('name="recipients"') :].split("</textarea>")[0]
    assert "Sở Dân tộc và Tôn giáo" in box and "Huyện ủy" not in box and "huyện" not in box
