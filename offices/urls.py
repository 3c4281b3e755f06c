from django.urls import path

from . import views

app_name = "offices"

urlpatterns = [
    path("", views.office_home, name="home"),
    path("schools/<int:school_id>/", views.school, name="school"),
    path("export/<str:file_format>/", views.export, name="export"),
]
