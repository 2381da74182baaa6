from django.urls import path

from reports.consolidated import views as consolidated_views
from reports.dashboard import views as dashboard_views
from reports.documents import views as document_views
from reports.editing import views as editing_views
from reports.offline import views as offline_views
from reports.review import views as review_views

app_name = "reports"
urlpatterns = [
    path("bao-cao/", editing_views.my_reports, name="mine"),
    path("bao-cao/<int:pk>/", editing_views.report_detail, name="detail"),
    path("bao-cao/<int:pk>/minh-chung/<int:evidence_id>/", editing_views.evidence_download, name="evidence"),
    path("bao-cao/<int:pk>/minh-chung/<int:evidence_id>/xoa/", editing_views.evidence_delete, name="evidence_delete"),
    path("bao-cao/<int:pk>/duyet/", review_views.approve, name="approve"),
    path("bao-cao/<int:pk>/tra-lai/", review_views.send_back, name="send_back"),
    path("bao-cao/<int:pk>/mo-lai/", review_views.reopen, name="reopen"),
    path("bao-cao/<int:pk>/han-gui/", review_views.set_due, name="set_due"),
    path("bao-cao/<int:pk>/kien-nghi/<int:proposal_id>/", review_views.respond_to_proposal, name="respond"),
    # a plan's pages carry it; their old addresses lead to the user's plan (or list their plans)
    path("ke-hoach/<slug:slug>/tham-dinh/", review_views.review_queue, name="queue"),
    path("tham-dinh/", review_views.queue_choice, name="queue_choice"),
    path("ke-hoach/<slug:slug>/ky-bao-cao/", review_views.cycle_list, name="cycles"),
    path("ky-bao-cao/", review_views.cycles_choice, name="cycles_choice"),
    path("ky-bao-cao/<int:pk>/", review_views.cycle_edit, name="cycle_edit"),
    path("bang-dieu-khien/", dashboard_views.dashboard_home, name="dashboard_home"),
    path("bang-dieu-khien/<slug:slug>/<int:year>/", dashboard_views.dashboard_page, name="dashboard"),
    path(
        "bang-dieu-khien/<slug:slug>/<int:year>/<slug:table>.xlsx",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
    path("ke-hoach/<slug:slug>/nhap-so-lieu/", review_views.import_values, name="import"),  # targets' page
    path("nhap-so-lieu/", review_views.import_choice, name="import_choice"),
    path("ke-hoach/<slug:slug>/tong-hop/", consolidated_views.consolidated_list, name="consolidated"),
    path("tong-hop/", consolidated_views.consolidated_choice, name="consolidated_choice"),
    path("tong-hop/<int:pk>/trang-thai/", consolidated_views.consolidated_status, name="consolidated_status"),
    path("tong-hop/<int:pk>/tep/<str:kind>/", consolidated_views.consolidated_file, name="consolidated_file"),
    path("tong-hop/<int:pk>/chinh-thuc/", consolidated_views.consolidated_final, name="consolidated_final"),
    path("bao-cao/<int:pk>/in/", document_views.report_pdf, name="print"),
    path("bao-cao/<int:pk>/excel/", offline_views.workbook_download, name="workbook"),
    path("bao-cao/<int:pk>/excel/tai-len/", offline_views.workbook_upload, name="workbook_upload"),
    path("ky-bao-cao/<int:pk>/excel.zip", offline_views.cycle_workbooks, name="cycle_workbooks"),
]
