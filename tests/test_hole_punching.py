"""A signed-in student's lesson is the cached anonymous HTML with the per-student parts filled in on the
server (website/holes.py): the same page as a full render, nothing of one reader shown to another."""

import re

import pytest
from bs4 import BeautifulSoup, Comment

from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from classrooms.models import Classroom, Enrollment, LessonProgress, School
from lessons.models import LessonPage
from quizzes.models import QuizAttempt
from tests.conftest import client_for
from tests.factories import LessonPageFactory, QuizPageFactory
from website import holes, page_cache

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

WITHOUT_HOLES = [name for name in settings.MIDDLEWARE if name != "website.holes.StudentHoleMiddleware"]
WITHOUT_CACHE = [name for name in WITHOUT_HOLES if name != "website.page_cache.AnonymousPageCacheMiddleware"]


def lesson():
    """A Korean lesson with a scenario (its polls are a hole), a help card, teacher notes and a check quiz."""
    scenario = {
        "title": "민준이의 단체 대화방",
        "story": "민준이는 단체 대화방에서 반 친구의 합성 사진을 봅니다.",
        "questions": ["민준이는 무엇을 할 수 있을까요?", "민준이는 누구에게 말할 수 있을까요?"],
    }
    page = LessonPageFactory(
        title="딥페이크란 무엇일까",
        body=[
            ("paragraph", "<p>딥페이크는 합성된 영상입니다.</p>"),
            ("scenario", scenario),
            ("help_card", {"title": ""}),
        ],
        teacher_notes="피해를 털어놓는 학생이 있으면 수업을 멈추고 따로 이야기합니다.",
    )
    QuizPageFactory(parent=page, title="확인 퀴즈")
    return page


def full_render(client, url):
    """The page rendered whole for this reader, as before hole punching (a client of its own: a client
    loads the middleware once, and shares the reader's cookies)."""
    whole = Client()
    whole.cookies = client.cookies
    with override_settings(MIDDLEWARE=WITHOUT_HOLES):
        response = whole.get(url)
    assert response.status_code == 200
    assert "X-Dignity-Holes" not in response
    return response


def dom(html):
    """The page's elements and text, whitespace between tags ignored, each CSRF token replaced by one word."""
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    for field in soup.find_all("input", attrs={"name": "csrfmiddlewaretoken"}):
        field["value"] = "TOKEN"
    lines = []
    for element in soup.descendants:
        if isinstance(element, str):
            text = " ".join(element.split())
            if text:
                lines.append(text)
        else:
            lines.append(f"<{element.name} {sorted((k, str(v)) for k, v in element.attrs.items())}>")
    return lines


def csrf_tokens(html):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def student_in_class(make_user, name):
    student = make_user(name)
    school, _created = School.objects.get_or_create(name="Hole School")
    classroom, _created = Classroom.objects.get_or_create(school=school, name="1-1", audience_band="middle_school")
    Enrollment.objects.create(classroom=classroom, student=student)
    return student


# -- (a) the same page both ways --------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["first visit", "finished, with a message", "check quiz failed"])
def test_the_filled_page_is_the_full_render(make_user, state):
    page = lesson()
    student = student_in_class(make_user, "dom-reader")
    client = client_for(student)
    if state == "finished, with a message":
        client.post(f"/ko/learn/lessons/{page.pk}/done/")  # leaves "Marked as done." for the next page
    if state == "check quiz failed":
        quiz = page.check_quiz()
        QuizAttempt.objects.create(
            student=student,
            quiz=quiz,
            revision_id=quiz.live_revision_id,
            state=QuizAttempt.State.SUBMITTED,
            score=0,
            max_score=5,
            passed=False,
            submitted_at=timezone.now(),
        )
    whole = full_render(client, page.url).content.decode()
    if state == "finished, with a message":
        client.post(f"/ko/learn/lessons/{page.pk}/done/")  # the message again, for the filled page
    filled = client.get(page.url)
    assert filled["X-Dignity-Holes"] in ("hit", "miss")
    assert dom(filled.content.decode()) == dom(whole)
    html = filled.content.decode()
    assert "Mark this lesson as done" in html or "완료" in html
    if state == "finished, with a message":
        assert "messages" in html and "lesson-status" in html
    if state == "check quiz failed":
        assert "lesson-status" in html


def test_the_same_headers_and_cookies_as_a_full_render(make_user):
    page = lesson()
    client = client_for(make_user("header-reader"))
    whole = full_render(client, page.url)
    client.get(page.url)
    filled = client.get(page.url)
    assert filled["X-Dignity-Holes"] == "hit"
    for header in ("Content-Type", "Cache-Control", "Content-Language", "X-Frame-Options", "Vary"):
        assert filled.get(header) == whole.get(header), header
    assert "csrftoken" in filled.cookies or "csrftoken" in client.cookies


def test_anonymous_readers_get_the_page_they_always_got():
    page = lesson()
    with override_settings(MIDDLEWARE=WITHOUT_CACHE):
        first = Client().get(page.url)  # rendered whole, as before hole punching
    assert "X-Dignity-Cache" not in first and "<!--hole:" not in first.content.decode()
    Client().get(page.url)
    second = Client().get(page.url)
    assert second["X-Dignity-Cache"] == "hit"
    assert dom(first.content.decode()) == dom(second.content.decode())
    if second.has_header("Content-Length"):
        assert int(second["Content-Length"]) == len(second.content)


# -- (b) two students, one cache entry --------------------------------------------------------------------


def test_two_students_sharing_one_entry_never_see_each_other(make_user):
    page = lesson()
    alice = student_in_class(make_user, "alice-hole")
    bob = student_in_class(make_user, "bob-hole")
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_client.post(f"/ko/learn/lessons/{page.pk}/done/")
    alice_page = alice_client.get(page.url)
    bob_page = bob_client.get(page.url)
    assert bob_page["X-Dignity-Holes"] == "hit"  # built by Alice's visit, served to Bob
    alice_html, bob_html = alice_page.content.decode(), bob_page.content.decode()
    # Alice finished the lesson and has a message; Bob has neither.
    assert "lesson-status" in alice_html and "lesson-status" not in bob_html
    assert 'class="messages"' in alice_html and 'class="messages"' not in bob_html
    # Each sees their own CSRF token, never the other's.
    assert csrf_tokens(alice_html) and csrf_tokens(bob_html)
    assert not csrf_tokens(alice_html) & csrf_tokens(bob_html)
    assert alice.username not in bob_html
    # And the shared entry itself holds nothing of either.
    entry = holes.CachedPage.from_value(page_cache.get_shared(_key_for(page)))
    stored = entry.content.decode()
    for secret in (alice.username, bob.username, *csrf_tokens(alice_html), *csrf_tokens(bob_html)):
        assert secret not in stored
    assert "csrfmiddlewaretoken" not in stored and "lesson-status" not in stored
    assert LessonProgress.objects.filter(student=bob, completed_at__isnull=True).count() == 1
    # The holes kept rendered in the process (website.holes._rendered) hold a placeholder, never a token or a name.
    kept = " ".join(holes._rendered.values())
    assert kept and holes._csrf_placeholder_for(holes.secret()) in kept
    for secret in (alice.username, bob.username, *csrf_tokens(alice_html), *csrf_tokens(bob_html)):
        assert secret not in kept


def test_a_repeat_visit_renders_no_template_for_the_holes_every_student_shares(make_user):
    page = lesson()
    first = client_for(student_in_class(make_user, "kept-1"))
    second = client_for(student_in_class(make_user, "kept-2"))
    first.get(page.url)
    response = second.get(page.url)
    assert response["X-Dignity-Holes"] == "hit"
    rendered = {template.name for template in response.templates}
    assert "includes/account_links.html" not in rendered, rendered
    assert "lessons/includes/student_lesson_done.html" not in rendered, rendered
    html = response.content.decode()
    assert holes._csrf_placeholder_for(holes.secret()) not in html
    # The token in the kept form is this student's own: a POST with it is accepted.
    token = next(iter(csrf_tokens(html)))
    second.handler.enforce_csrf_checks = True
    done = second.post(f"/ko/learn/lessons/{page.pk}/done/", {"csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert LessonProgress.objects.filter(student__username__startswith="kept-2", completed_at__isnull=False).exists()


def _key_for(page):
    from django.test import RequestFactory

    return page_cache.page_key(RequestFactory().get(page.url))


def test_no_marker_ever_reaches_a_reader(make_user):
    page = lesson()
    marker = f"<!--hole:{holes.secret()}"
    for client in (Client(), Client(), client_for(make_user("marker-reader")), client_for(make_user("marker-2"))):
        html = client.get(page.url).content.decode()
        assert "<!--hole:" not in html and marker not in html
    assert marker in holes.CachedPage.from_value(page_cache.get_shared(_key_for(page))).content.decode()


def test_content_cannot_forge_a_marker():
    # Without the secret a "marker" is text like any other; with it, an unknown name is removed.
    forged = b"<p><!--hole:not-the-secret:account:--></p>"
    assert holes.fill(forged, lambda name, params: "FILLED") == forged
    unknown = f"<p><!--hole:{holes.secret()}:nosuchhole:--></p>".encode()
    assert holes.fill(unknown, lambda name, params: "FILLED") == b"<p></p>"


def test_a_hole_parameter_must_be_an_id_or_a_uuid():
    with pytest.raises(ValueError):
        holes.marker("polls", {"key": "--><script>alert(1)</script>"})
    with pytest.raises(ValueError):
        holes.marker("no-such-hole", {})
    assert holes.marker("polls", {"key": "5264dcfb-f9e0-5ac3-88a4-43ad681d497e"}).startswith("<!--hole:")


# -- (c) an anonymous reader is never served a student's page ----------------------------------------------


def test_an_anonymous_reader_never_gets_a_students_page(make_user):
    page = lesson()
    student_client = client_for(make_user("first-at-the-bell"))
    assert student_client.get(page.url)["X-Dignity-Holes"] == "miss"  # the student built the entry
    anonymous = Client().get(page.url)
    html = anonymous.content.decode()
    assert anonymous.cookies == {} or not anonymous.cookies
    assert "csrfmiddlewaretoken" not in html and "first-at-the-bell" not in html
    assert "account/logout" not in html and "/logout/" not in html
    assert "/ko/join/" in html  # the anonymous header: join a class, log in
    assert "Cache-Control" not in anonymous or "private" not in anonymous["Cache-Control"]
    assert Client().get(page.url)["X-Dignity-Cache"] == "hit"


def test_teachers_keep_the_uncached_page_with_their_notes(make_teacher, make_user):
    page = lesson()
    client_for(make_user("warming-student")).get(page.url)
    response = client_for(make_teacher("notes-teacher")).get(page.url)
    assert "X-Dignity-Holes" not in response
    if page.teacher_notes:
        assert "teacher-notes" in response.content.decode()


# -- (d) a publish retires the cached HTML; (e) a draft preview is unaffected ------------------------------


def test_a_publish_retires_the_cached_page(make_user):
    page = lesson()
    client = client_for(make_user("publish-reader"))
    client.get(page.url)
    assert client.get(page.url)["X-Dignity-Holes"] == "hit"
    page.summary = "새로 발행된 요약"
    page.save_revision().publish()
    response = client.get(page.url)
    assert response["X-Dignity-Holes"] == "miss"
    assert "새로 발행된 요약" in response.content.decode()
    assert "새로 발행된 요약" in Client().get(page.url).content.decode()


def test_a_draft_preview_is_unaffected(make_user):
    page = lesson()
    client = client_for(make_user("draft-reader"))
    client.get(page.url)
    page.summary = "아직 발행 안 된 초안 요약"
    page.save_revision()  # a draft
    assert "아직 발행 안 된 초안 요약" not in client.get(page.url).content.decode()
    assert "아직 발행 안 된 초안 요약" not in Client().get(page.url).content.decode()
    draft = LessonPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    preview = draft.make_preview_request()
    html = preview.content.decode()
    assert "아직 발행 안 된 초안 요약" in html
    assert "<!--hole:" not in html and "/ko/join/" in html  # rendered whole, as an anonymous reader


def test_a_page_that_is_not_only_holes_is_rendered_for_the_student(make_user):
    module = lesson().get_parent()
    client = client_for(make_user("module-reader"))
    Client().get(module.url)  # cached for anonymous readers
    response = client.get(module.url)
    assert "X-Dignity-Holes" not in response  # a module page shows the student's own ticks
    assert "<!--hole:" not in response.content.decode()


# -- the progress matrix, kept per class until something in it changes (classrooms/matrix_cache.py) --------


@pytest.fixture
def matrix_class(make_teacher, make_user):
    from datetime import timedelta

    from classrooms.models import Assignment

    teacher = make_teacher("matrix-keeper")
    student = student_in_class(make_user, "matrix-student")
    classroom = Enrollment.objects.get(student=student).classroom
    classroom.teachers.add(teacher)
    page = lesson()
    Assignment.objects.create(classroom=classroom, page=page, due_at=timezone.now() + timedelta(days=3))
    return client_for(teacher), f"/ko/teach/classes/{classroom.pk}/progress/", student, page


def matrix_status(client, url):
    html = client.get(url).content.decode()
    row = html[html.index('<th scope="row">') :]
    return row[: row.index("</tr>")]


def test_a_matrix_reload_after_a_write_shows_the_new_state(matrix_class):
    client, url, student, page = matrix_class
    before = matrix_status(client, url)
    client_for(student).get(page.url)  # the student opens the lesson (hole-punched page): started
    started = matrix_status(client, url)
    assert started != before
    client_for(student).post(f"/ko/learn/lessons/{page.pk}/done/")
    done = matrix_status(client, url)
    assert done != started
    assert matrix_status(client, url) == done  # nothing changed: the same rows


def test_only_the_first_visit_of_a_lesson_moves_the_class_matrix_on(matrix_class):
    # Recording "started" is the write; a repeat visit writes nothing, so the teacher's kept matrix stays.
    from classrooms import matrix_cache

    _client, _url, student, page = matrix_class
    classroom_id = Enrollment.objects.get(student=student).classroom_id
    reader = client_for(student)
    before = matrix_cache._version(classroom_id)
    reader.get(page.url)
    first = matrix_cache._version(classroom_id)
    assert first != before
    assert LessonProgress.objects.filter(student=student, lesson_key=page.translation_key).count() == 1
    reader.get(page.url)
    assert matrix_cache._version(classroom_id) == first
    assert LessonProgress.objects.filter(student=student, lesson_key=page.translation_key).count() == 1


def test_a_matrix_reload_with_no_write_reads_no_rows(matrix_class):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url, _student, _page = matrix_class
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ("classrooms_lessonprogress", "quizzes_quizattempt", "classrooms_alternativeactivity"):
        assert table not in tables, table


def test_roster_and_quiz_writes_move_the_matrix_on(matrix_class, make_user):
    client, url, student, page = matrix_class
    classroom = Enrollment.objects.get(student=student).classroom
    before = client.get(url).content.decode()
    newcomer = make_user("matrix-newcomer")
    Enrollment.objects.create(classroom=classroom, student=newcomer)
    after_join = client.get(url).content.decode()
    assert after_join.count('<th scope="row">') == before.count('<th scope="row">') + 1
    quiz = page.check_quiz()
    QuizAttempt.objects.create(student=newcomer, quiz=quiz, revision_id=quiz.live_revision_id)
    assert client.get(url).content.decode() != after_join


def test_a_publish_moves_the_matrix_on(matrix_class):
    # Column titles come from the pages: a lesson renamed and published shows at the next reload.
    client, url, _student, page = matrix_class
    assert "Renamed for the matrix" not in client.get(url).content.decode()
    page.title = "Renamed for the matrix"
    page.save_revision().publish()
    assert "Renamed for the matrix" in client.get(url).content.decode()


def test_the_matrix_version_moves_on_again_when_the_write_commits(matrix_class, django_capture_on_commit_callbacks):
    # A reader between a write and its commit sees the new version but the old rows: what it keeps must not last.
    from classrooms import matrix_cache

    _client, _url, student, _page = matrix_class
    classroom_id = Enrollment.objects.get(student=student).classroom_id
    with django_capture_on_commit_callbacks(execute=True):
        matrix_cache.student_changed(student.pk)
        during = matrix_cache._version(classroom_id)
    assert matrix_cache._version(classroom_id) != during


def test_outside_a_transaction_a_write_moves_the_matrix_on_once(
    make_user, monkeypatch, django_capture_on_commit_callbacks
):
    # Autocommit: the write is committed before the version moves, so a second move "at commit" would be a Redis
    # round trip for nothing. Inside a transaction it moves again when the write commits. (The test itself runs in
    # a transaction, so autocommit is what the connection reports here.)
    from types import SimpleNamespace

    from classrooms import matrix_cache

    student = student_in_class(make_user, "autocommit-student")
    classroom_ids = {Enrollment.objects.get(student=student).classroom_id}
    moves = []
    real_move_on = matrix_cache._move_on
    monkeypatch.setattr(matrix_cache, "_move_on", lambda ids: (moves.append(set(ids)), real_move_on(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        matrix_cache.student_changed(student.pk)
    assert moves == [classroom_ids, classroom_ids]  # in a transaction: now, and again at the commit
    moves.clear()
    autocommit = SimpleNamespace(in_atomic_block=False)
    monkeypatch.setattr(matrix_cache.transaction, "get_connection", lambda using=None: autocommit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        matrix_cache.student_changed(student.pk)
    assert moves == [classroom_ids] and callbacks == []


def test_a_reload_reuses_the_rendered_rows_until_a_write(matrix_class):
    from django.core.cache import cache

    from classrooms import matrix_cache

    client, url, student, page = matrix_class
    classroom = Enrollment.objects.get(student=student).classroom
    first = client.get(url).content.decode()
    build = matrix_cache.cached_matrix(classroom).build_id
    kept = cache.get(f"matrix-rows:{build}:ko")
    assert kept and kept in first  # the rows the teacher saw are kept under this build, in Korean
    assert kept in client.get(url).content.decode()
    client_for(student).post(f"/ko/learn/lessons/{page.pk}/done/")
    assert matrix_cache.cached_matrix(classroom).build_id != build  # a write: a new build, rendered anew
    assert kept not in client.get(url).content.decode()


def test_a_kept_matrix_ends_when_its_due_date_limit_passes(matrix_class):
    # The process's own copy lives exactly as long as the shared entry: "overdue" depends on the clock.
    from datetime import timedelta

    from classrooms import matrix_cache

    _client, _url, student, _page = matrix_class
    classroom = Enrollment.objects.get(student=student).classroom
    first = matrix_cache.cached_matrix(classroom)
    assert matrix_cache.cached_matrix(classroom) is first  # the reload reuses this process's copy
    first.kept_until = timezone.now() - timedelta(seconds=1)
    assert matrix_cache.cached_matrix(classroom) is not first
