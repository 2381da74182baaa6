"""The plan-wide pages' old addresses (/tham-dinh/, /ky-bao-cao/, /nhap-so-lieu/, /tong-hop/): with one plan the user
may use, straight to its page; with several, a list of them; with none, a page that says so."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from reports import access


@require_safe
def choose_plan(request, plans, page, heading: str):
    """`plans`: the user's plans for this page (a queryset: one query); `page`: the URL name of the plan's page (its
    one argument the slug), or a function of the plan giving its address. The query string goes along."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    address = page if callable(page) else lambda plan: reverse(page, args=[plan.slug])
    choices = [(plan, address(plan) + query) for plan in plans]
    if len(choices) == 1:
        return redirect(choices[0][1])
    context = {"heading": heading, "choices": choices, "none_message": access.NO_PLAN}
    return render(request, "reports/plan_chooser.html", context)
