from django.urls import path

from reports.consolidated import views as consolidated_views
from reports.consolidated.models import ConsolidatedReport
from reports.dashboard import views as dashboard_views
from reports.documents import views as document_views
from reports.editing import views as editing_views
from reports.models import AgencyReport, ReportingCycle
from reports.offline import views as offline_views
from reports.old_addresses import old_address
from reports.review import views as review_views

app_name = "reports"

# A report, a consolidated report and a cycle are addressed under their plan, checked in the same lookup as the id.
REPORT = [  # (path after ke-hoach/<slug>/bao-cao/<id>/, view, name)
    ("", editing_views.report_detail, "detail"),
    ("minh-chung/<int:evidence_id>/", editing_views.evidence_download, "evidence"),
    ("minh-chung/<int:evidence_id>/xoa/", editing_views.evidence_delete, "evidence_delete"),
    ("duyet/", review_views.approve, "approve"),
    ("tra-lai/", review_views.send_back, "send_back"),
    ("mo-lai/", review_views.reopen, "reopen"),
    ("han-gui/", review_views.set_due, "set_due"),
    ("kien-nghi/<int:proposal_id>/", review_views.respond_to_proposal, "respond"),
    ("lich-su/", editing_views.report_history, "history"),
    ("in/", document_views.report_pdf, "print"),
    ("excel/", offline_views.workbook_download, "workbook"),
    ("excel/tai-len/", offline_views.workbook_upload, "workbook_upload"),
]
CONSOLIDATED = [  # after ke-hoach/<slug>/tong-hop/<id>/
    ("trang-thai/", consolidated_views.consolidated_status, "consolidated_status"),
    ("tep/<str:kind>/", consolidated_views.consolidated_file, "consolidated_file"),
    ("chinh-thuc/", consolidated_views.consolidated_final, "consolidated_final"),
]
CYCLE = [  # after ke-hoach/<slug>/ky-bao-cao/<id>/
    ("", review_views.cycle_edit, "cycle_edit"),
    ("excel.zip", offline_views.cycle_workbooks, "cycle_workbooks"),
]
UNDER_PLAN = [  # (the word after the plan, the model of the id, the lookup of its plan's slug, its routes)
    ("bao-cao", AgencyReport, "cycle__plan__slug", REPORT),
    ("tong-hop", ConsolidatedReport, "plan__slug", CONSOLIDATED),
    ("ky-bao-cao", ReportingCycle, "plan__slug", CYCLE),
]

urlpatterns = [
    path("bao-cao/", editing_views.my_reports, name="mine"),
    # a plan's pages carry it; their old addresses lead to the user's plan (or list their plans)
    path("ke-hoach/<slug:slug>/tham-dinh/", review_views.review_queue, name="queue"),
    path("tham-dinh/", review_views.queue_choice, name="queue_choice"),
    path("ke-hoach/<slug:slug>/ky-bao-cao/", review_views.cycle_list, name="cycles"),
    path("ky-bao-cao/", review_views.cycles_choice, name="cycles_choice"),
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
]
for word, model, field, routes in UNDER_PLAN:
    for rest, view, name in routes:
        urlpatterns.append(path(f"ke-hoach/<slug:slug>/{word}/<int:pk>/{rest}", view, name=name))
        # the old address without the plan: a GET is sent on to the one above, a POST still served (old_addresses)
        urlpatterns.append(path(f"{word}/<int:pk>/{rest}", old_address(view, name, model, field), name=f"old_{name}"))
