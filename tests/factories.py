"""Factories (factory_boy, wagtail-factories): a test builds the users, classes, pages and attempts it
needs, so editing the demo content (demo/) cannot break it (issue 17, deliver 6).

    teacher = TeacherFactory()                      # verified email, as the teacher pages require
    classroom = ClassroomFactory(teachers=[teacher])
    student = EnrollmentFactory(classroom=classroom).student
    lesson = LessonPageFactory()                    # published, under a module under a curriculum index
    quiz = QuizPageFactory(parent=lesson)           # one single-choice question, choice "right" is correct
    # or: QuizPageFactory(questions=json.dumps([single_choice(choices=("a", "b", "c")), reflection_text()]))
    attempt = QuizAttemptFactory(student=student, quiz=quiz, score=1, max_score=1, passed=True)

Pages are published (a live revision, as an attempt pins one). Everyone's password is PASSWORD.
"""

import json
import uuid

import factory
import wagtail_factories
from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail.models import Site

from classrooms.models import Classroom, Enrollment, School
from lessons.models import CurriculumIndexPage, LessonPage, ModulePage
from quizzes.models import QuizAttempt, QuizPage

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A student: no email, no real name."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"student-{n}")
    account_type = "student"
    password = factory.django.Password(PASSWORD)


class TeacherFactory(UserFactory):
    """A teacher with a verified email address (pass verified=False for one still to check it)."""

    username = factory.Sequence(lambda n: f"teacher-{n}")
    account_type = "teacher"
    email = factory.LazyAttribute(lambda user: f"{user.username}@school.example")

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=extracted is not False, primary=True)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Class {n}")
    audience_band = "middle_school"

    @factory.post_generation
    def teachers(classroom, create, extracted, **kwargs):
        if create and extracted:
            classroom.teachers.add(*extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(UserFactory)


# -- pages ------------------------------------------------------------------------------------------


def site_root():
    return Site.objects.get(is_default_site=True).root_page


class PublishedPageFactory(wagtail_factories.PageFactory):
    """A page under `parent` (by default the site's home page), saved with a live revision."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    parent = factory.LazyFunction(site_root)

    @factory.post_generation
    def publish(page, create, extracted, **kwargs):
        if create and extracted is not False:
            page.save_revision().publish()
            page.refresh_from_db()


class CurriculumIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = CurriculumIndexPage

    title = factory.Sequence(lambda n: f"Curriculum {n}")


class ModulePageFactory(PublishedPageFactory):
    class Meta:
        model = ModulePage

    parent = factory.SubFactory(CurriculumIndexPageFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "What the module is about."
    objectives = "One objective"
    for_middle_school = True


class LessonPageFactory(PublishedPageFactory):
    class Meta:
        model = LessonPage

    parent = factory.SubFactory(ModulePageFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    audience = "middle_school"
    summary = "What the lesson is about."
    objectives = "One objective"
    content_note = "What it touches on."
    key_takeaways = "One takeaway"
    alternative_activity = "Another way to take part."
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Text of the lesson.</p>")])


def single_choice(prompt="Which one is right?", choices=("right", "wrong")):
    """Raw StreamField data for a single-choice question; the first choice is the right one, and each
    choice's id is its text."""
    items = [
        {"type": "item", "id": text, "value": {"text": text, "correct": number == 0, "feedback": "Because."}}
        for number, text in enumerate(choices)
    ]
    value = {"prompt": prompt, "choices": items, "explanation": "Why.", "law": None}
    return {"type": "single_choice", "id": str(uuid.uuid4()), "value": value}


def reflection_text(prompt="What would you say to a friend?"):
    return {"type": "reflection_text", "id": str(uuid.uuid4()), "value": {"prompt": prompt}}


def reflection_scale(prompt="How sure are you about where to get help?"):
    """Raw StreamField data for an unscored 1–5 scale."""
    value = {"prompt": prompt, "low_label": "Not sure", "high_label": "Very sure"}
    return {"type": "reflection_scale", "id": str(uuid.uuid4()), "value": value}


class QuizPageFactory(PublishedPageFactory):
    class Meta:
        model = QuizPage

    parent = factory.SubFactory(LessonPageFactory)
    title = factory.Sequence(lambda n: f"Quiz {n}")
    kind = QuizPage.Kind.CHECK
    questions = factory.LazyFunction(lambda: json.dumps([single_choice()]))


class QuizAttemptFactory(factory.django.DjangoModelFactory):
    """An attempt pinned to the quiz's live revision; submitted unless state says otherwise."""

    class Meta:
        model = QuizAttempt

    student = factory.SubFactory(UserFactory)
    quiz = factory.SubFactory(QuizPageFactory)
    revision_id = factory.LazyAttribute(lambda attempt: attempt.quiz.live_revision_id)
    state = QuizAttempt.State.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    score = 0
    max_score = 1
    passed = False


# -- snippets: law references and help channels (appended by h1) ------------------------------------


def locale_of(language_code):
    from wagtail.models import Locale

    return Locale.objects.get(language_code=language_code)


class LawReferenceFactory(factory.django.DjangoModelFactory):
    """A live law reference (one article of one statute) in English; pass locale=... for another language."""

    class Meta:
        model = "lessons.LawReference"

    locale = factory.LazyFunction(lambda: locale_of("en"))
    key = factory.Sequence(lambda n: f"test-act-{n}")
    jurisdiction = "Republic of Korea"
    act = factory.Sequence(lambda n: f"Test Act {n}")
    article = "Article 14-2"
    punishes = "Making or spreading a sexual deepfake."
    penalty = "Up to 7 years in prison."
    in_force_since = factory.LazyFunction(lambda: timezone.now().date().replace(year=2020))
    source_url = "https://www.law.go.kr/법령/test"
    last_reviewed = factory.LazyFunction(lambda: timezone.now().date())


class HelpChannelFactory(factory.django.DjangoModelFactory):
    """A live, active help line for everyone, in English; pass locale=... for another language."""

    class Meta:
        model = "support.HelpChannel"

    locale = factory.LazyFunction(lambda: locale_of("en"))
    key = factory.Sequence(lambda n: f"test-line-{n}")
    name = factory.Sequence(lambda n: f"Test help line {n}")
    kind = "counselling"
    phone = "1366"
    audience = "all"
    description = "Listens and helps, day and night."
