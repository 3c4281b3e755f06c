from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("attempts/<int:attempt_id>/", views.result, name="result"),
    path("attempts/<int:attempt_id>/save/", views.autosave, name="autosave"),
    path("progress/", views.my_progress, name="progress"),
    path("practice/<int:quiz_id>/", views.practice, name="practice"),
    # A quiz form posts outside page routing (issue 16): its submission and its autosave.
    path("quizzes/<int:quiz_id>/submit/", views.submit, name="submit"),
    path("quizzes/<int:quiz_id>/save/", views.save, name="save"),
]
