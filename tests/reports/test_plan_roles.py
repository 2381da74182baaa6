"""Roles per plan (reports.models.PlanRole): the migration that keeps what reviewers did before, and the admin."""

import importlib

from django.apps import apps
from django.contrib.auth import get_user_model

from agencies.permissions import Role, add_role
from reports.models import PlanRole
from tests.reports.helpers import another_plan

keeping = importlib.import_module("reports.migrations.0012_reviewers_keep_their_plans")


def test_the_migration_appoints_every_reviewer_of_the_time_to_every_plan(cast, plan):
    other = another_plan(plan, "ke-hoach-khac", "Kế hoạch trên địa bàn xã Minh Họa")
    PlanRole.objects.all().delete()
    reviewer = get_user_model().objects.create(username="vanphong2")
    add_role(reviewer, Role.REVIEWER)
    keeping.appoint(apps, None)
    rows = set(PlanRole.objects.values_list("user__username", "role", "plan__slug"))
    reviewers = {"vanphong", "sodantoc", "vanphong2"}
    assert rows == {(name, "reviewer", slug) for name in reviewers for slug in (plan.slug, other.slug)}
    keeping.appoint(apps, None)  # run twice: nothing more
    assert PlanRole.objects.count() == len(rows)


def test_the_admin_lists_who_reviews_which_plan(client, cast, plan):
    client.force_login(cast["quantri"])
    page = client.get("/quan-tri/reports/planrole/").content.decode()
    assert "phân công theo kế hoạch" in page.lower() and "Mọi kế hoạch của tỉnh" in page and plan.title in page
    assert client.get("/quan-tri/reports/planrole/add/").status_code == 200
