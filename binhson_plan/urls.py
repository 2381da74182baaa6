from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agencies import urls as agencies_urls
from agencies.throttling import ThrottledPasswordChangeView
from binhson_plan.views import favicon
from reports.dashboard import public as public_views
from reports.editing import views as report_views
from targets import api as plan_api
from targets import urls as targets_urls
from targets import views as target_views
from tasks import urls as tasks_urls

handler500 = "binhson_plan.availability.server_error"  # a database outage is a 503 "đang bảo trì", not a 500

admin.site.site_header = "Quản trị cổng theo dõi kế hoạch công tác dân tộc"
admin.site.site_title = "Quản trị"
admin.site.index_title = "Dữ liệu của cổng"

urlpatterns = [
    path("", report_views.home, name="home"),
    path("dang-nhap/", target_views.LoginWithPublicPages.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", ThrottledPasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # A plan's and an agency's pages that show targets come from targets/, above tasks/ and agencies/: their names
    # stay in the namespaces of the pages beside them (tasks:target_detail, agencies:detail).
    path("ke-hoach/", include((tasks_urls.urlpatterns + targets_urls.plan_urlpatterns, "tasks"))),
    path("co-quan/", include((agencies_urls.urlpatterns + targets_urls.agency_urlpatterns, "agencies"))),
    path("", include("reports.urls")),
    path("tinh/", include("province.urls")),
    path("api/plans/", plan_api.plan_index, name="api_plans"),
    path("api/plans/<slug:slug>/", plan_api.plan_detail, name="api_plan"),
    path("api/plans/<slug:slug>/progress/", plan_api.plan_progress, name="api_plan_progress"),
    path("api/indicators/", plan_api.indicator_index, name="api_indicators"),
    path("api/indicators/<slug:code>/", plan_api.indicator_detail, name="api_indicator"),
    path("cong-khai/<slug:slug>/", target_views.public_progress, name="public_progress"),
    path("cong-khai/<slug:slug>/bang-so-lieu.xlsx", public_views.public_table, name="public_table"),
    path("quan-tri/", admin.site.urls),
    path("favicon.ico", favicon),
]
