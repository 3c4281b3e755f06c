from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.my_schools, name="my_schools"),
    path("find/", views.find_school, name="find_school"),
    path("<int:school_id>/", views.dashboard, name="dashboard"),
    path("<int:school_id>/code/", views.new_code, name="new_code"),
    path("<int:school_id>/invite/", views.invite, name="invite"),
    path("<int:school_id>/report/<int:year>/", views.report, name="report"),
    path("<int:school_id>/report/<int:year>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("<int:school_id>/report/<int:year>/sign-off/", views.sign_off, name="sign_off"),
    path("classes/<int:classroom_id>/roster/", views.roster_upload, name="roster_upload"),
    path("classes/<int:classroom_id>/roster/confirm/", views.roster_confirm, name="roster_confirm"),
    path("classes/<int:classroom_id>/cards/", views.print_cards, name="print_cards"),
]
