"""The list of plans. A plan's own page shows its targets beside its task tree, so it lives above both apps
(targets/plan_views.py)."""

from django.shortcuts import render

from tasks.models import Plan
from tasks.visibility import opens_plan


def plan_list(request):
    plans = [plan for plan in Plan.objects.filter(is_active=True) if opens_plan(request.user, plan)]
    return render(request, "tasks/plan_list.html", {"plans": plans})
