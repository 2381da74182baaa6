from django.urls import path

from reports import review_views, views

app_name = "reports"
urlpatterns = [
    path("bao-cao/", views.my_reports, name="mine"),
    path("bao-cao/<int:pk>/", views.report_detail, name="detail"),
    path("bao-cao/<int:pk>/minh-chung/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("bao-cao/<int:pk>/minh-chung/<int:evidence_id>/xoa/", views.evidence_delete, name="evidence_delete"),
    path("bao-cao/<int:pk>/duyet/", review_views.approve, name="approve"),
    path("bao-cao/<int:pk>/tra-lai/", review_views.send_back, name="send_back"),
    path("bao-cao/<int:pk>/mo-lai/", review_views.reopen, name="reopen"),
    path("bao-cao/<int:pk>/kien-nghi/<int:proposal_id>/", review_views.respond_to_proposal, name="respond"),
    path("tham-dinh/", review_views.review_queue, name="queue"),
    path("ky-bao-cao/", review_views.cycle_list, name="cycles"),
]
