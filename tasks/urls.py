"""The plans' own pages. The root URLconf puts them in the "tasks" namespace with the pages of a plan that show its
targets (targets/urls.py)."""

from django.urls import path

from tasks import views

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
]
