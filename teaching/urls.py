from django.urls import path

from . import views

app_name = "teaching"

urlpatterns = [
    path("teach/classes/<int:classroom_id>/questions/", views.question_box, name="question_box"),
    path(
        "teach/classes/<int:classroom_id>/questions/<int:question_id>/",
        views.update_question,
        name="update_question",
    ),
    path("teach/classes/<int:classroom_id>/polls/", views.class_polls, name="class_polls"),
    path("teach/polls/open/", views.open_poll, name="open_poll"),
    path("teach/polls/<int:poll_id>/", views.poll_projector, name="poll"),
    path("teach/polls/<int:poll_id>/results/", views.poll_results, name="poll_results"),
    path("teach/polls/<int:poll_id>/close/", views.close_poll, name="close_poll"),
    path("learn/classes/<int:classroom_id>/questions/", views.ask_question, name="ask_question"),
    path("learn/polls/<int:poll_id>/answer/", views.answer_poll, name="answer_poll"),
]
