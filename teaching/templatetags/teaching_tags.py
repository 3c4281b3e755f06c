from django import template

from ..views import open_polls_for

register = template.Library()


@register.simple_tag
def poll_classrooms(user):
    """The classes a teacher can open a poll for from projector mode."""
    from classrooms.access import teacher_classrooms

    return list(teacher_classrooms(user))


@register.simple_tag
def open_polls(user, lesson):
    """Live polls a student can answer on this lesson's page now."""
    return open_polls_for(user, lesson)


@register.simple_tag
def teach_this(assignments):
    """For each assignment, the lessons a teacher can teach from it: the lesson, or a module's lessons."""
    from django.db.models import Q

    from wagtail.models import Page

    from classrooms.titles import active_content_language
    from lessons.models import LessonPage

    assignments = list(assignments)
    if not assignments:
        return []
    # The reader's language: a module assigned while reading Korean is taught from its English lessons by a
    # teacher reading English (one query for every assignment's translation).
    keys = {assignment.page.translation_key for assignment in assignments}
    translated = {
        page.translation_key: page
        for page in Page.objects.filter(translation_key__in=keys, locale__language_code=active_content_language())
    }
    for assignment in assignments:
        assignment.taught_page = translated.get(assignment.page.translation_key, assignment.page)
    pages = [assignment.taught_page for assignment in assignments]
    prefixes = Q(pk__in=[page.pk for page in pages])
    for page in pages:
        prefixes |= Q(path__startswith=page.path, depth=page.depth + 1)
    lessons = list(LessonPage.objects.live().filter(prefixes).order_by("path"))
    rows = []
    for assignment in assignments:
        page = assignment.taught_page
        mine = [
            lesson
            for lesson in lessons
            if lesson.pk == page.pk or (lesson.path.startswith(page.path) and lesson.depth == page.depth + 1)
        ]
        if mine:
            rows.append({"assignment": assignment, "lessons": mine})
    return rows
