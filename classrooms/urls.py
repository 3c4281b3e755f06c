from django.urls import include, path

from .views import data, join, student, teacher

app_name = "classrooms"

teach_patterns = [
    path("", teacher.my_classes, name="my_classes"),
    path("classes/new/", teacher.create_classroom, name="create_classroom"),
    path("classes/<int:classroom_id>/", teacher.classroom_detail, name="classroom"),
    path("classes/<int:classroom_id>/join-sheet/", teacher.join_sheet, name="join_sheet"),
    path("classes/<int:classroom_id>/code/", teacher.change_code, name="change_code"),
    path("classes/<int:classroom_id>/assign/", teacher.assign, name="assign"),
    path("classes/<int:classroom_id>/assignments/<int:assignment_id>/remove/", teacher.unassign, name="unassign"),
    path("classes/<int:classroom_id>/progress/", teacher.progress_matrix, name="progress"),
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
]

learn_patterns = [
    path("", student.student_home, name="student_home"),
    path("lessons/<int:lesson_id>/done/", student.mark_lesson_done, name="lesson_done"),
    path("my-data/", data.my_data, name="my_data"),
    path("my-data/delete/", data.delete_my_account, name="delete_my_account"),
]

join_patterns = [
    path("", join.join, name="join"),
    path("account/", join.join_account, name="join_account"),
]

urlpatterns = [
    path("teach/", include(teach_patterns)),
    path("learn/", include(learn_patterns)),
    path("join/", include(join_patterns)),
]
