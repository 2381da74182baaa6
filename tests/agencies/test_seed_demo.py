"""`manage.py seed_demo`: demo users for every role, idempotent, printed."""

import io
import json

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from agencies.permissions import Role, has_role


def can_log_in(username, password) -> bool:
    """As the login page asks: django-axes refuses an authentication without the request it came with."""
    return authenticate(RequestFactory().post("/dang-nhap/"), username=username, password=password) is not None


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, force=True, stdout=out)
    return out.getvalue()


def test_it_prints_users_as_json(plan):
    rows = json.loads(seed("--json"))
    assert {row["role"] for row in rows} == {"administrator", "reviewer", "viewer", "agency_staff"}
    staff = {row["agency"] for row in rows if row["role"] == "agency_staff"}
    assert len(staff) >= 3 and {"UBND-BA", "UBND-BK"} & staff
    assert all(set(row) == {"username", "password", "role", "agency"} for row in rows)
    for row in rows:
        assert can_log_in(row["username"], row["password"])
        assert (row["agency"] is None) == (row["role"] != "agency_staff")


def test_it_is_idempotent(plan):
    seed()
    users = get_user_model().objects.count()
    first = seed()
    assert get_user_model().objects.count() == users
    assert first == seed()
    assert "canbo.binhan" in first and "UBND-BA" in first


def test_roles_and_memberships(cast):
    assert has_role(cast["vanphong"], Role.REVIEWER) and not has_role(cast["vanphong"], Role.AGENCY_STAFF)
    assert has_role(cast["lanhdao"], Role.VIEWER)
    assert cast["quantri"].is_superuser and not cast["lanhdao"].is_staff
    assert cast["canbo.binhkhuong"].membership.agency.code == "UBND-BK"


def test_the_demo_reviewers_plans(cast, plan):
    """`vanphong` reviews the Bình Sơn plan only; `sodantoc`, the province's Sở, every plan (a row without a plan)."""
    assert list(cast["vanphong"].plan_roles.values_list("role", "plan__slug")) == [("reviewer", plan.slug)]
    assert list(cast["sodantoc"].plan_roles.values_list("role", "plan")) == [("reviewer", None)]
    assert has_role(cast["sodantoc"], Role.REVIEWER) and cast["sodantoc"].get_full_name() == "Sở Dân tộc và Tôn giáo"
    printed = seed()  # again: the same rows, no more
    assert cast["vanphong"].plan_roles.count() == 1 and cast["sodantoc"].plan_roles.count() == 1
    # the console says what each reviews, never a district office that ended in 2025
    assert "vanphong           thẩm định kế hoạch Bình Sơn\n" in printed
    assert "sodantoc           thẩm định mọi kế hoạch của tỉnh\n" in printed and "Văn phòng huyện" not in printed


def test_it_restores_a_changed_demo_password(plan):
    user = get_user_model().objects.get(username="canbo.gddt")
    user.set_password("khac")
    user.save()
    seed()
    assert can_log_in("canbo.gddt", "binhson-demo")


@override_settings(DEBUG=False)
def test_it_refuses_to_run_in_production_without_force(plan):
    with pytest.raises(CommandError, match="DEBUG đang tắt"):
        call_command("seed_demo", stdout=io.StringIO())


def test_it_needs_the_plan_loaded_first(db):
    from agencies.models import Agency

    Agency.objects.filter(code="UBND-BA").update(code="DOI-MA")
    with pytest.raises(CommandError, match="hãy chạy “manage.py load_plan” trước"):
        seed()
