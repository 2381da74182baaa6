"""Pages that show targets, under a plan's and an agency's addresses. The root URLconf (binhson_plan/urls.py) puts
`plan_urlpatterns` in the "tasks" namespace with tasks/urls.py, and `agency_urlpatterns` in the "agencies" namespace
with agencies/urls.py, so the names are those the pages always had (tasks:target_detail, agencies:detail)."""

from django.urls import path

from targets import agency_views, override_views, plan_views, views

plan_urlpatterns = [
    path("<slug:slug>/", plan_views.plan_detail, name="plan_detail"),
    path("<slug:slug>/chi-tieu/<str:code>/", views.target_detail, name="target_detail"),
    path("<slug:slug>/chi-tieu/<str:code>/dinh-chinh/", views.value_correction, name="value_correction"),
    path(
        "<slug:slug>/chi-tieu/<str:code>/dieu-chinh-tinh-trang/", override_views.status_override, name="status_override"
    ),
]
agency_urlpatterns = [
    path("<slug:code>/", agency_views.agency_detail, name="detail"),
]
