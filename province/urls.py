from django.urls import path

from province import views

app_name = "province"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("bang-tinh.xlsx", views.export, name="export"),
    path("tong-hop/", views.summaries, name="summaries"),
    path("tong-hop/<int:pk>/tep/<str:kind>/", views.summary_file, name="summary_file"),
]
