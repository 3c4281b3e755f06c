from wagtail import hooks

from lessons.models import LessonPage

from .progress import record_started


@hooks.register("before_serve_page")
def record_lesson_started(page, request, serve_args, serve_kwargs):
    """Opening a lesson records 'started' for a signed-in student (GET only: reading changes nothing else)."""
    user = request.user
    if request.method == "GET" and isinstance(page, LessonPage) and user.is_authenticated and user.is_student:
        record_started(user, page)
