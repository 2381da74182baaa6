from django.urls import path

from targets import override_views
from targets import views as target_views
from tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("<slug:slug>/chi-tieu/<str:code>/", target_views.target_detail, name="target_detail"),
    path("<slug:slug>/chi-tieu/<str:code>/dinh-chinh/", target_views.value_correction, name="value_correction"),
    path(
        "<slug:slug>/chi-tieu/<str:code>/dieu-chinh-tinh-trang/", override_views.status_override, name="status_override"
    ),
]
