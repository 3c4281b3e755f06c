from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.get_help, name="get_help"),
    path("report/", views.report_content, name="report_content"),
    path("quick-exit/", views.quick_exit_info, name="quick_exit"),
]
