"""Random sequences of start / save / submit / resubmit / time out on attempts, through quizzes.attempts only.

A hypothesis state machine keeps a model of what each (student, quiz) should have and checks after
every step that:

* there is at most one attempt in progress per student and quiz, and one exactly when the model says so;
* a submitted attempt's score, result, time and answers never change again (not by a save, nor by a
  second submit from a stale tab);
* no attempt ever goes from submitted back to in progress;
* a quiz that allows N attempts never gets more than N submitted;
* coming back after a long gap ("time out") resumes the attempt in progress, never opens a second one.

Each example runs inside a savepoint of the test's transaction and is rolled back at its end.
"""

import json
from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from django.db import transaction
from django.utils import timezone

from quizzes.attempts import AttemptLimitReached, open_attempt, save_answers, stored_answers, submit
from quizzes.models import Answer, QuizAttempt
from quizzes.scoring import questions_of, score
from tests.factories import QuizPageFactory, reflection_scale, reflection_text, single_choice

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

LIMITED = 2  # attempts allowed on the second quiz


def random_answers(questions, rnd, everything=True):
    """Answers as the form would send them: choice ids for choice questions, text for reflections."""
    answers = {}
    for question in questions:
        if not everything and rnd.random() < 0.4:
            continue  # an autosave carries what the student has touched so far
        if question.type == "reflection_text":
            answers[question.id] = rnd.choice(["", "Some thoughts", "다른 생각"])
        elif question.type == "reflection_scale":
            answers[question.id] = rnd.choice(["", "1", "3", "5"])
        elif question.many:
            answers[question.id] = sorted(c.id for c in question.choices if rnd.random() < 0.5)
        else:
            answers[question.id] = [] if rnd.random() < 0.1 else [rnd.choice(question.choices).id]
    return answers


def as_stored(value):
    """stored_answers() gives text, or the choice ids when the text is empty."""
    return value if value else []


def snapshot(attempt_id):
    attempt = QuizAttempt.objects.get(pk=attempt_id)
    answers = sorted(
        Answer.objects.filter(attempt_id=attempt_id).values_list("question_id", "choice_ids", "text", "correct")
    )
    return (attempt.state, attempt.score, attempt.max_score, attempt.passed, attempt.submitted_at, answers)


def choice_question(block_type, choices, correct, **extra):
    """Raw StreamField data for a choice question of any type; each choice's id is its text."""
    question = single_choice(prompt=f"A {block_type} question", choices=choices)
    question["type"] = block_type
    for item in question["value"]["choices"]:
        item["value"]["correct"] = item["id"] in correct
    question["value"].update(extra)
    return question


@pytest.fixture
def cast(make_user):
    # One quiz with reflections among its questions (unlimited attempts), one limited to LIMITED attempts;
    # between them every type of question, and "select all" questions with two right choices of three.
    with_reflection = QuizPageFactory(
        attempts_allowed=0,
        questions=json.dumps(
            [
                single_choice(choices=("a", "b", "c")),
                choice_question("multiple_choice", ("x", "y", "z"), correct={"x", "y"}),
                reflection_text(),
                reflection_scale(),
            ]
        ),
    )
    other = QuizPageFactory(
        attempts_allowed=LIMITED,
        questions=json.dumps(
            [
                choice_question("true_false", ("True", "False"), correct={"False"}),
                choice_question("scenario", ("tell", "share", "ignore"), correct={"tell"}, story="Someone's story."),
                choice_question("multiple_choice", ("p", "q", "r"), correct={"p", "r"}),
                single_choice(),
            ]
        ),
    )
    assert any(x.type.startswith("reflection") for x in questions_of(with_reflection))
    assert all(x.scored for x in questions_of(other))
    students = [make_user("machine-a"), make_user("machine-b")]
    return students, [with_reflection, other]


def test_attempts_keep_their_invariants_under_random_sequences(cast):
    students, quizzes = cast
    questions = {quiz.pk: questions_of(quiz) for quiz in quizzes}

    class Attempts(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.savepoint()
            # (student pk, quiz pk) -> the attempt in progress (pk) or None, and the submitted ones' snapshots
            self.open = {}
            self.submitted = {}
            self.saved = {}  # attempt pk -> the answers the model expects stored
            self.handles = {}  # (student pk, quiz pk) -> attempt objects a tab could still hold
            self.ever_seen = set()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def key(self, student, quiz):
            return (student.pk, quiz.pk)

        @rule(student=st.sampled_from(students), quiz=st.sampled_from(quizzes))
        def start(self, student, quiz):
            key = self.key(student, quiz)
            done = len(self.submitted.get(key, {}))
            try:
                attempt = open_attempt(student, quiz)
            except AttemptLimitReached:
                assert self.open.get(key) is None and quiz.attempts_allowed and done >= quiz.attempts_allowed
                return
            assert attempt.state == QuizAttempt.State.IN_PROGRESS
            if self.open.get(key):
                assert attempt.pk == self.open[key], "a second attempt was opened beside one in progress"
            else:
                assert attempt.pk not in self.ever_seen, "a finished attempt was reopened"
                assert not quiz.attempts_allowed or done < quiz.attempts_allowed
                self.open[key] = attempt.pk
                self.ever_seen.add(attempt.pk)
                self.saved[attempt.pk] = {}
            self.handles.setdefault(key, []).append(attempt)

        @rule(
            student=st.sampled_from(students),
            quiz=st.sampled_from(quizzes),
            rnd=st.randoms(use_true_random=False),
        )
        def save(self, student, quiz, rnd):
            """An autosave from any tab the student has open: only the attempt in progress may change."""
            key = self.key(student, quiz)
            if not self.handles.get(key):
                return
            attempt = rnd.choice(self.handles[key])
            answers = random_answers(questions[quiz.pk], rnd, everything=False)
            stored = save_answers(attempt, answers)
            if attempt.pk == self.open.get(key):
                assert stored
                self.saved[attempt.pk].update(answers)
                expected = {qid: as_stored(value) for qid, value in self.saved[attempt.pk].items()}
                assert stored_answers(QuizAttempt.objects.get(pk=attempt.pk)) == expected
            else:
                assert not stored, "an autosave changed a submitted attempt"

        @rule(
            student=st.sampled_from(students),
            quiz=st.sampled_from(quizzes),
            rnd=st.randoms(use_true_random=False),
        )
        def submit_from_a_tab(self, student, quiz, rnd):
            """Submit from any open tab: the first submit of an attempt scores it, any later one changes nothing
            (a resubmit, a double click, or a stale second tab that still thinks the attempt is open)."""
            key = self.key(student, quiz)
            if not self.handles.get(key):
                return
            attempt = rnd.choice(self.handles[key])
            answers = random_answers(questions[quiz.pk], rnd)
            first = attempt.pk == self.open.get(key)
            closed = submit(attempt, answers)
            assert closed == first
            if first:
                points, maximum, _results = score(questions[quiz.pk], answers)
                taken = snapshot(attempt.pk)
                assert taken[:3] == (QuizAttempt.State.SUBMITTED, points, maximum)
                self.submitted.setdefault(key, {})[attempt.pk] = taken
                self.open[key] = None

        @rule(student=st.sampled_from(students), quiz=st.sampled_from(quizzes))
        def resubmit_a_finished_attempt(self, student, quiz):
            """A request for a submitted attempt arrives late, with other answers, on a freshly loaded object."""
            key = self.key(student, quiz)
            for attempt_id in self.submitted.get(key, {}):
                attempt = QuizAttempt.objects.get(pk=attempt_id)
                assert submit(attempt, {q.id: [] for q in questions[quiz.pk]}) is False
                assert save_answers(attempt, {q.id: [] for q in questions[quiz.pk] if q.scored}) is False

        @rule(student=st.sampled_from(students), quiz=st.sampled_from(quizzes), hours=st.integers(1, 24 * 30))
        def time_out(self, student, quiz, hours):
            """The student comes back much later: they resume the attempt in progress, never get a second one."""
            key = self.key(student, quiz)
            if not self.open.get(key):
                return
            QuizAttempt.objects.filter(pk=self.open[key]).update(started_at=timezone.now() - timedelta(hours=hours))
            attempt = open_attempt(student, quiz)
            assert attempt.pk == self.open[key]
            self.handles[key].append(attempt)

        @invariant()
        def at_most_one_attempt_in_progress(self):
            for student in students:
                for quiz in quizzes:
                    key = self.key(student, quiz)
                    in_progress = list(
                        QuizAttempt.objects.filter(student=student, quiz=quiz, state="in_progress").values_list(
                            "pk", flat=True
                        )
                    )
                    assert in_progress == ([self.open[key]] if self.open.get(key) else [])

        @invariant()
        def submitted_attempts_never_change(self):
            for attempts in self.submitted.values():
                for attempt_id, taken in attempts.items():
                    assert snapshot(attempt_id) == taken, "a submitted attempt changed (or went back in progress)"

        @invariant()
        def limits_hold_and_nothing_appears_from_nowhere(self):
            rows = QuizAttempt.objects.filter(student__in=students, quiz__in=quizzes)
            assert set(rows.values_list("pk", flat=True)) == self.ever_seen
            for quiz in quizzes:
                if quiz.attempts_allowed:
                    for student in students:
                        done = rows.filter(student=student, quiz=quiz, state="submitted").count()
                        assert done <= quiz.attempts_allowed

    run_state_machine_as_test(
        Attempts, settings=settings(max_examples=25, stateful_step_count=50, deadline=None, database=None)
    )
