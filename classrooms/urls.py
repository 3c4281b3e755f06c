from django.urls import include, path

from .views import alternative, cards, certificates, data, join, student, teacher

app_name = "classrooms"

teach_patterns = [
    path("", teacher.my_classes, name="my_classes"),
    path("classes/new/", teacher.create_classroom, name="create_classroom"),
    path("classes/<int:classroom_id>/", teacher.classroom_detail, name="classroom"),
    path("classes/<int:classroom_id>/join-sheet/", teacher.join_sheet, name="join_sheet"),
    path("classes/<int:classroom_id>/projector/", cards.projector, name="projector"),
    path("classes/<int:classroom_id>/sign-in-cards/", cards.sign_in_cards, name="sign_in_cards"),
    path("classes/<int:classroom_id>/code/", teacher.change_code, name="change_code"),
    path("classes/<int:classroom_id>/assign/", teacher.assign, name="assign"),
    path("classes/<int:classroom_id>/assignments/<int:assignment_id>/remove/", teacher.unassign, name="unassign"),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/alternative/",
        alternative.record_alternative,
        name="record_alternative",
    ),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/alternative/<int:student_id>/remove/",
        alternative.remove_alternative,
        name="remove_alternative",
    ),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/guardian-letter/",
        alternative.guardian_letter,
        name="guardian_letter",
    ),
    path("classes/<int:classroom_id>/progress/", teacher.progress_matrix, name="progress"),
    path("classes/<int:classroom_id>/learning-gain/", teacher.learning_gain, name="learning_gain"),
    path("classes/<int:classroom_id>/export/", teacher.start_export, name="start_export"),
    path("classes/<int:classroom_id>/archive/", teacher.archive, name="archive"),
    path("classes/<int:classroom_id>/quizzes/<int:quiz_id>/", teacher.quiz_analysis, name="quiz_analysis"),
    path("classes/<int:classroom_id>/consent/", teacher.record_consent, name="record_consent"),
    path("classes/<int:classroom_id>/co-teachers/", teacher.add_co_teacher, name="add_co_teacher"),
    path("classes/<int:classroom_id>/students/<int:student_id>/", teacher.student_detail, name="student"),
    path(
        "classes/<int:classroom_id>/students/<int:student_id>/data/", teacher.student_data_export, name="student_data"
    ),
    path(
        "classes/<int:classroom_id>/students/<int:student_id>/delete/",
        teacher.delete_student_account,
        name="delete_student",
    ),
    path(
        "classes/<int:classroom_id>/students/<int:student_id>/remove/", teacher.remove_student, name="remove_student"
    ),
    path(
        "classes/<int:classroom_id>/students/<int:student_id>/reset-password/",
        teacher.reset_password,
        name="reset_password",
    ),
    path("exports/<int:export_id>/", teacher.download_export, name="download_export"),
    path(
        "exports/<int:export_id>/xlsx/",
        teacher.download_export,
        {"file_format": "xlsx"},
        name="download_export_xlsx",
    ),
]

learn_patterns = [
    path("", student.student_home, name="student_home"),
    path("lessons/<int:lesson_id>/done/", student.mark_lesson_done, name="lesson_done"),
    path("my-data/", data.my_data, name="my_data"),
    path("my-data/delete/", data.delete_my_account, name="delete_my_account"),
    path("assignments/<int:assignment_id>/certificate/", certificates.get_certificate, name="get_certificate"),
    path("certificates/<int:certificate_id>/", certificates.certificate, name="certificate"),
]

# Public: anyone checks a certificate's code (issue 19 #4).
verify_patterns = [
    path("", certificates.verify, name="verify"),
    path("<str:code>/", certificates.verify_code, name="verify_code"),
]

join_patterns = [
    path("", join.join, name="join"),
    path("account/", join.join_account, name="join_account"),
    path("card/", cards.card_code, name="card_code"),
    path("card/<str:token>/", cards.card_sign_in, name="card_sign_in"),
    path("letter/<str:token>/", alternative.public_guardian_letter, name="public_guardian_letter"),
]

urlpatterns = [
    path("teach/", include(teach_patterns)),
    path("learn/", include(learn_patterns)),
    path("join/", include(join_patterns)),
    path("verify/", include(verify_patterns)),
]
