from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("attempts/<int:attempt_id>/", views.result, name="result"),
    path("attempts/<int:attempt_id>/save/", views.autosave, name="autosave"),
    path("progress/", views.my_progress, name="progress"),
]
