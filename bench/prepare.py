"""Turn seed_scale's manifest into what Locust needs: URLs, and signed-in sessions for the students.

Run by bench/run.py inside Django, with the same settings and secret key as the server under test:

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.prepare MANIFEST FIXTURES

Signing thousands of students in through the login form would spend minutes of password hashing before
the first measurement (the login scenario measures exactly that, separately), so the sessions a login
would leave behind are written directly: the same data a sign-in through allauth's form stores
(session_data; tests/test_bench_sessions.py compares the two), in the database and, with the
cached_db engine, in the cache as well, as SessionStore.save() at sign-in puts it there. A session
found only in the database would make every simulated student's first request pay a cache miss, a
query and (without the second-factor flag) a check and a session write that no real student pays.
"""

import json
import sys
from datetime import timedelta
from pathlib import Path

SESSIONS_PER_POOL = 15_000  # more than a pool can use up in a run at full scale
CARDS = 20_000  # single-use sign-in cards: more than the card scenario can use up in 30 s


def main(manifest_path, fixtures_path):
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.urls import reverse
    from django.utils import timezone, translation
    from django.utils.crypto import get_random_string

    from lessons.models import LessonPage
    from quizzes.models import QuizPage

    translation.activate("ko")
    manifest = json.loads(Path(manifest_path).read_text())
    User = get_user_model()
    expires = timezone.now() + timedelta(days=1)
    rows, cached = [], {}
    store, cache_key = session_storage()

    def session_for(user):
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = session_data(user)
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        if cache_key is not None:
            cached[cache_key(key)] = data
        return key

    pool = manifest["pool_students"]
    half = len(pool) // 2
    users = {user.pk: user for user in User.objects.filter(pk__in=pool).only("pk", "password", "username")}
    quiz_pool = [users[pk] for pk in pool[:half][:SESSIONS_PER_POOL]]
    mixed_pool = [users[pk] for pk in pool[half:][:SESSIONS_PER_POOL]]
    teacher = User.objects.get(username=manifest["teacher"])
    fixtures = {
        "password": manifest["password"],
        "lessons": [page.url for page in LessonPage.objects.filter(pk__in=manifest["lessons"]).order_by("path")],
        "quiz": QuizPage.objects.get(pk=manifest["bench_quiz"]).url,
        "matrix": {size: reverse("classrooms:progress", args=[pk]) for size, pk in manifest["bench_classes"].items()},
        "login": reverse("account_login"),
        "teacher_session": session_for(teacher),
        # Disjoint pools: a student who has submitted the bench quiz meets their result, not a fresh form.
        "sessions": {
            "quiz": [session_for(user) for user in quiz_pool],
            "mixed": [session_for(user) for user in mixed_pool],
        },
        "logins": {
            "login": [user.username for user in quiz_pool],
            "mixed": [user.username for user in mixed_pool],
        },
    }
    fixtures["cards"] = card_links(quiz_pool, teacher)
    Session.objects.bulk_create(rows, batch_size=5_000)
    cache_sessions(cached)
    Path(fixtures_path).write_text(json.dumps(fixtures))
    print(f"{len(rows):,} sessions ready for {len(quiz_pool) + len(mixed_pool):,} students and the teacher.")


def session_data(user, at=None):
    """What signing in through allauth's form leaves in a student's session: django.contrib.auth.login()'s
    user id, backend and hash, allauth's record of the password sign-in, the second-factor check
    (users/second_factor.py) and a session that ends when the browser closes (ACCOUNT_SESSION_REMEMBER)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from users.second_factor import CHECKED_KEY

    return {
        AUTHENTICATION_METHODS_SESSION_KEY: [
            {"method": "password", "at": time.time() if at is None else at, "username": user.username}
        ],
        f"{AUTHENTICATION_METHODS_SESSION_KEY}_user": str(user.pk),
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        CHECKED_KEY: str(user.pk),
        "_session_expiry": 0,
    }


def session_storage():
    """The configured engine's store (to encode a row) and, when it keeps sessions in a cache as well
    (cached_db), the function that names a session's cache key."""
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.cached_db":
        return engine.SessionStore(), None
    return engine.SessionStore(), lambda key: engine.SessionStore(key).cache_key


def cache_sessions(sessions):
    """Put the sessions in the session cache, for as long as SessionStore.save() would (the cookie's age)."""
    from django.conf import settings
    from django.core.cache import caches

    cache = caches[settings.SESSION_CACHE_ALIAS]
    items = list(sessions.items())
    for start in range(0, len(items), 1_000):
        cache.set_many(dict(items[start : start + 1_000]), settings.SESSION_COOKIE_AGE)


def card_links(students, teacher):
    """Printed sign-in cards (classrooms/cards.py) for the students, as a teacher's print would make them.

    A card is single-use, so each student gets several; the links are what the cards' QR codes hold.
    """
    import secrets

    from django.urls import reverse
    from django.utils import timezone

    from classrooms.cards import hash_code, hash_token
    from classrooms.models import SIGN_IN_CARD_DAYS, Enrollment, SignInCard

    classes = dict(Enrollment.objects.filter(student__in=students).values_list("student_id", "classroom_id"))
    students = [student for student in students if student.pk in classes]
    expires = timezone.now() + timedelta(days=SIGN_IN_CARD_DAYS)
    cards, links = [], []
    for n in range(CARDS if students else 0):
        student = students[n % len(students)]
        token = secrets.token_urlsafe(32)
        cards.append(
            SignInCard(
                classroom_id=classes[student.pk],
                student=student,
                token_hash=hash_token(token),
                code_hash=hash_code(secrets.token_urlsafe(16)),
                created_by=teacher,
                expires_at=expires,
            )
        )
        links.append(reverse("classrooms:card_sign_in", args=[token]))
    SignInCard.objects.bulk_create(cards, batch_size=5_000)
    return links


if __name__ == "__main__":
    main(*sys.argv[1:3])
