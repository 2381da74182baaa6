"""The agencies' own pages. The root URLconf puts them in the "agencies" namespace with an agency's page, which
shows its tasks and targets (targets/urls.py)."""

from django.urls import path

from agencies import views

urlpatterns = [
    path("", views.agency_list, name="list"),
]
