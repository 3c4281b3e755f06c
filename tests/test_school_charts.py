"""The coordinator dashboard's charts (issue 19 point 6): the numbers under each chart are the class matrices'
and learning gains', each student counted once per module, and no pre/post distribution under 5 students."""

# The fixtures come from tests/test_schools.py (imported below), so pytest's fixture arguments shadow them.
# ruff: noqa: F811

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from django.utils import timezone

from classrooms.gain import class_gains
from classrooms.models import Enrollment, LessonProgress
from classrooms.progress import Status, build_matrix
from lessons.models import ModulePage
from tests.conftest import client_for
from tests.test_schools import clear_cache, school_year, take, world  # noqa: F401 - fixtures used below

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def figure(html, ident):
    """The rendered figure's table as rows of cell texts (header first), or None when there is no such figure."""
    marker = f'<figure class="chart" id="{ident}">'
    if marker not in html:
        return None
    part = html[html.index(marker) :]
    table = part[part.index("<table") : part.index("</table>") + len("</table>")]
    return [[cell.text for cell in row] for row in ET.fromstring(table).iter("tr")]


def dashboard(world, language="en"):
    response = client_for(world["coordinator"]).get(f"/{language}/teach/school/{world['school'].pk}/")
    assert response.status_code == 200
    return response.content.decode()


def completed_by_matrix(rooms):
    """{student pk} assigned the module, and {student pk} who completed it, read from each class matrix."""
    assigned, done = set(), set()
    for room in rooms:
        matrix = build_matrix(room)
        (position,) = [i for i, column in enumerate(matrix.columns) if column.kind == "module"]
        for student, cells in matrix.rows:
            assigned.add(student.pk)
            if cells[position].status == Status.COMPLETED:
                done.add(student.pk)
    return assigned, done


def monday(day):
    return day - timedelta(days=day.weekday())


def test_the_completion_chart_table_is_the_class_matrices(world, school_year, en):
    rooms = school_year["rooms"]
    first = school_year["students"][rooms[0].pk]
    second = rooms[1]
    # One student in both classes counts once; one finished the module three weeks ago.
    Enrollment.objects.create(classroom=second, student=first[0])
    early = timezone.now() - timedelta(weeks=3)
    LessonProgress.objects.filter(student=first[1], completed_at__isnull=False).update(completed_at=early)

    assigned, done = completed_by_matrix(rooms)
    assert (len(assigned), len(done)) == (7, 5)  # 4 + 3 students, 3 + 1 completed + 1 alternative activity
    # Assigned in Korean, titled in the reader's language.
    module = school_year["module"]
    english = module.copy_for_translation(en, copy_parents=True)
    english.title = f"{module.title} in English"
    english.save_revision().publish()
    english = ModulePage.objects.get(translation_key=module.translation_key, locale__language_code="en")
    assert english.title != module.title
    rows = figure(dashboard(world), "school-completion")
    assert rows[0] == ["Week of", english.title]
    weeks = [row[0] for row in rows[1:]]
    this_week = monday(timezone.localdate())
    start = monday(timezone.localdate(early)) - timedelta(weeks=1)
    assert weeks[0] == start.isoformat() and weeks[-1] == this_week.isoformat()
    assert len(weeks) == (this_week - start).days // 7 + 1
    values = [row[1] for row in rows[1:]]
    # The week before the first completion: nobody; then only the early one; this week, everyone the matrices say.
    assert values[0] == "0"
    assert values[1:-1] == [str(round(100 * 1 / len(assigned)))] * (len(weeks) - 2)
    assert values[-1] == str(round(100 * len(done) / len(assigned)))
    html = dashboard(world)
    assert f"Completed: {len(done)} of {len(assigned)} students" in html
    assert 'role="img"' in html and 'aria-labelledby="school-completion-title school-completion-desc"' in html


def test_a_module_with_fewer_than_5_paired_scores_draws_no_distribution(world, school_year):
    paired = [row for room in school_year["rooms"] for gain in class_gains(room) for row in gain.paired]
    assert len(paired) == 4
    html = dashboard(world)
    assert figure(html, "school-distribution-1") is None
    assert "school-distribution" not in html
    assert "No pre/post distribution: 4 students took both tests, fewer than 5." in html
    korean = dashboard(world, "ko")
    assert "school-distribution" not in korean
    assert "사전·사후 점수 분포 없음: 두 평가를 모두 본 학생이 4명으로 5명 미만이에요." in korean


def test_five_paired_scores_draw_the_distribution_of_the_gains(
    world, school_year, make_user, django_capture_on_commit_callbacks
):
    second = school_year["rooms"][1]
    pre, post = school_year["pre"], school_year["post"]
    fifth = make_user("fifth-paired")
    Enrollment.objects.create(classroom=second, student=fifth)
    with django_capture_on_commit_callbacks(execute=True):
        take(fifth, pre, right=False)
        take(fifth, post, right=True)
    paired = [row for room in school_year["rooms"] for gain in class_gains(room) for row in gain.paired]
    assert len(paired) == 5

    html = dashboard(world)
    rows = figure(html, "school-distribution-1")
    assert rows is not None
    assert rows[0] == ["Score", "Pre-test", "Post-test"]
    bands = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)]
    assert [row[0] for row in rows[1:]] == [f"{low}–{high}%" for low, high in bands]
    for row, (low, high) in zip(rows[1:], bands, strict=True):
        assert row[1] == str(sum(1 for each in paired if low <= each.pre <= high))
        assert row[2] == str(sum(1 for each in paired if low <= each.post <= high))
    assert sum(int(row[1]) for row in rows[1:]) == sum(int(row[2]) for row in rows[1:]) == 5
    assert "on the pre-test and on the post-test; 5 students." in html
    assert "No pre/post distribution" not in html


def test_a_school_with_nothing_assigned_shows_no_charts(world):
    html = dashboard(world)
    assert 'id="charts-heading"' not in html
    assert "school-completion" not in html
