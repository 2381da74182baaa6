"""The daily digest of new submissions: each reviewer reads only the plans they review (the Sở every plan, grouped
by plan), nobody gets a mail with nothing new, and each recipient at most one a day."""

import io
import pathlib
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from agencies.models import Agency, Membership
from agencies.permissions import Role, add_role
from reports.models import Notification, PlanRole
from reports.notices.jobs import send_review_digest_job
from tasks.models import Plan
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, current_report, on

pytestmark = pytest.mark.season

DATA = pathlib.Path(__file__).resolve().parents[2] / "data"
LDTBXH = "Phòng Lao động - Thương binh và Xã hội"
GDDT = "Phòng Giáo dục và Đào tạo"
TB_YT = "Phòng Y tế huyện Trà Bồng"
TB_VP = "Văn phòng HĐND và UBND huyện Trà Bồng"
TINY = "Thử nghiệm nạp kế hoạch của một huyện khác"  # the tiny plan's short title: its title, no area in it


@pytest.fixture
def tiny(plan):
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=io.StringIO())
    return Plan.objects.get(slug="tra-bong-thu-nghiem")


@pytest.fixture
def tiny_reviewer(tiny):
    user = get_user_model().objects.create_user("thamdinh.trabong", email="thamdinh@trabong.local")
    add_role(user, Role.REVIEWER)
    PlanRole.objects.create(user=user, role="reviewer", plan=tiny)
    return user


def submit(plan, code, user):
    report = current_report(plan, code)
    client = PortalClient()
    client.force_login(user)
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"


def staff_of(code):
    user = get_user_model().objects.create_user(f"canbo.{code.lower()}", email=f"{code.lower()}@trabong.local")
    Membership.objects.create(user=user, agency=Agency.objects.get(code=code))
    add_role(user, Role.AGENCY_STAFF)
    return user


def mailbox(address):
    return [message for message in mail.outbox if address in message.to]


def test_each_reviewer_reads_only_the_submissions_of_their_plans(cast, plan, tiny, tiny_reviewer):
    assert tiny.short_title == TINY
    with on("2026-12-06", "09:00"):
        submit(plan, "LDTBXH", cast["canbo.ldtbxh"])
        submit(plan, "GDDT", cast["canbo.gddt"])
        submit(tiny, "TB-YT", staff_of("TB-YT"))
    with on("2026-12-06", "17:00"):
        assert send_review_digest_job.apply().get() is True
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody reads another's list
    assert sorted(message.to[0] for message in mail.outbox) == [
        "sodantoc@binhson.local",
        "thamdinh@trabong.local",
        "vanphong@binhson.local",
    ]

    [district] = mailbox("vanphong@binhson.local")  # Bình Sơn's reviewer: Bình Sơn's reports only
    assert district.subject == "Báo cáo mới chờ thẩm định ngày 06/12/2026"
    assert district.body.startswith("Có 2 báo cáo mới gửi, chờ thẩm định.\n\nhuyện Bình Sơn (2 báo cáo):\n")
    assert f"- {LDTBXH}, báo cáo năm 2026, gửi lúc 09:0" in district.body
    assert f"- {GDDT}, báo cáo năm 2026" in district.body
    assert "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/" in district.body
    assert "Trà Bồng" not in district.body and TINY not in district.body and "tra-bong" not in district.body

    [other] = mailbox("thamdinh@trabong.local")  # the other plan's reviewer: its report only
    assert other.body.startswith(f"Có 1 báo cáo mới gửi, chờ thẩm định.\n\n{TINY} (1 báo cáo):\n- {TB_YT}, ")
    assert "/ke-hoach/tra-bong-thu-nghiem/tham-dinh/" in other.body
    assert "Bình Sơn" not in other.body and LDTBXH not in other.body and GDDT not in other.body

    [province] = mailbox("sodantoc@binhson.local")  # the Sở: every plan, each under its short title
    body = province.body
    assert body.startswith("Có 3 báo cáo mới gửi, chờ thẩm định.\n\nhuyện Bình Sơn (2 báo cáo):\n")
    binh_son, trà_bồng = body.split(f"\n\n{TINY} (1 báo cáo):\n")
    assert LDTBXH in binh_son and GDDT in binh_son and TB_YT not in binh_son
    assert "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/" in binh_son
    assert trà_bồng.startswith(f"- {TB_YT}, báo cáo năm 2026") and LDTBXH not in trà_bồng
    assert trà_bồng.endswith("/ke-hoach/tra-bong-thu-nghiem/tham-dinh/")

    # Once a day per recipient: a later run the same day writes nothing, even with something new; the next day's
    # digest carries it, to that plan's reviewers only.
    with on("2026-12-06", "18:00"):
        submit(tiny, "TB-VP", staff_of("TB-VP"))
    with on("2026-12-06", "19:00"):
        assert send_review_digest_job.apply().get() is False
    assert len(mail.outbox) == 3
    with on("2026-12-07", "17:00"):
        assert send_review_digest_job.apply().get() is True
    assert len(mail.outbox) == 5 and len(mailbox("vanphong@binhson.local")) == 1  # nothing new for Bình Sơn: no mail
    for address in ("sodantoc@binhson.local", "thamdinh@trabong.local"):
        latest = mailbox(address)[-1]
        assert latest.subject == "Báo cáo mới chờ thẩm định ngày 07/12/2026"
        assert latest.body.startswith(f"Có 1 báo cáo mới gửi, chờ thẩm định.\n\n{TINY} (1 báo cáo):\n- {TB_VP}, ")
        assert TB_YT not in latest.body and "Bình Sơn" not in latest.body
    with on("2026-12-08", "17:00"):
        assert send_review_digest_job.apply().get() is False  # nothing new for anyone
    assert len(mail.outbox) == 5
    assert Notification.objects.filter(key__startswith="review-digest-").count() == 5


def test_the_first_digest_per_reviewer_goes_on_from_the_last_shared_one(cast, plan):
    """Before digests went per reviewer, one shared message of the day went to them all: a reviewer's first own
    digest lists what came after the last shared one they received, even when the job missed a day."""
    with on("2026-12-05", "09:00"):
        submit(plan, "LDTBXH", cast["canbo.ldtbxh"])
    with on("2026-12-05", "17:00"):
        Notification.objects.create(
            key="review-digest-2026-12-05",
            recipients="sodantoc@binhson.local, vanphong@binhson.local",
            subject="Báo cáo mới chờ thẩm định ngày 05/12/2026",
            state="sent",
        )
    with on("2026-12-06", "08:00"):
        submit(plan, "GDDT", cast["canbo.gddt"])
    with on("2026-12-07", "17:00"):  # no run on the 6th
        assert send_review_digest_job.apply().get() is True
    assert [message.to for message in mail.outbox] == [["sodantoc@binhson.local"], ["vanphong@binhson.local"]]
    for message in mail.outbox:
        assert GDDT in message.body and LDTBXH not in message.body
    keys = set(Notification.objects.filter(key__startswith="review-digest-u").values_list("key", flat=True))
    assert keys == {f"review-digest-u{cast[name].pk}-2026-12-07" for name in ("sodantoc", "vanphong")}


def test_a_refused_digest_stays_pending_and_the_others_go(cast, plan, monkeypatch):
    from django.core.mail import send_mail as real_send_mail

    from reports.notices.notifications import deliver_pending

    def refuse_the_sở(subject, body, sender, recipients, **kwargs):
        if recipients == ["sodantoc@binhson.local"]:
            raise smtplib.SMTPRecipientsRefused({recipients[0]: (550, b"mailbox full")})
        return real_send_mail(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr("reports.notices.notifications.send_mail", refuse_the_sở)
    with on("2026-12-06", "09:00"):
        submit(plan, "LDTBXH", cast["canbo.ldtbxh"])
    with on("2026-12-06", "17:00"), pytest.raises(smtplib.SMTPRecipientsRefused):
        send_review_digest_job.apply().get()
    assert [message.to for message in mail.outbox] == [["vanphong@binhson.local"]]  # sent after the refusal
    notice = Notification.objects.get(key=f"review-digest-u{cast['sodantoc'].pk}-2026-12-06")
    assert (notice.state, notice.attempts) == ("pending", 1) and "SMTPRecipientsRefused" in notice.last_error
    monkeypatch.setattr("reports.notices.notifications.send_mail", real_send_mail)
    with on("2026-12-06", "17:10"):
        assert deliver_pending() == 1
        assert send_review_digest_job.apply().get() is False  # never twice
    assert [message.to for message in mail.outbox] == [["vanphong@binhson.local"], ["sodantoc@binhson.local"]]
