from django.urls import path

from province import views

app_name = "province"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("bang-tinh.xlsx", views.export, name="export"),
]
