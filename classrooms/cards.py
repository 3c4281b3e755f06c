"""Class sign-in cards: a student scans the QR on a printed card (or types its short code) and is signed in.

Why not a password on paper: a card lost in a corridor must not become a password that works forever. A card holds
two random secrets (a long token in the QR link, a short code for typing), stored only as SHA-256 hashes — they are
high-entropy, so no slow password hash is needed and a sign-in by card costs no PBKDF2/Argon2 work. A card works once,
expires after SIGN_IN_CARD_DAYS, is revoked when the teacher prints new cards, and never for an archived class or a
student who left it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import SIGN_IN_CARD_DAYS, Enrollment, SignInCard, normalise_join_code, random_code

# 10 characters of the unambiguous class-code alphabet: 31**10 (about 8e14) codes, behind the join guess limits.
CARD_CODE_LENGTH = 10


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def hash_token(token):
    return _digest("token:" + token)


def hash_code(code):
    return _digest("code:" + normalise_join_code(code))


def format_code(code):
    return f"{code[:5]}-{code[5:]}"


class PrintedCard:
    """What a printed card shows: never stored, only its hashes are."""

    def __init__(self, student, token, code):
        self.student = student
        self.token = token
        self.code = code
        self.formatted_code = format_code(code)


def issue_cards(classroom, students, teacher):
    """New cards for `students`, revoking their unused older cards in this class. Returns PrintedCards."""
    now = timezone.now()
    printed = []
    with transaction.atomic():
        SignInCard.objects.filter(
            classroom=classroom, student__in=students, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        rows = []
        for student in students:
            token = secrets.token_urlsafe(32)
            code = random_code(CARD_CODE_LENGTH)
            rows.append(
                SignInCard(
                    classroom=classroom,
                    student=student,
                    token_hash=hash_token(token),
                    code_hash=hash_code(code),
                    created_by=teacher,
                    expires_at=now + timedelta(days=SIGN_IN_CARD_DAYS),
                )
            )
            printed.append(PrintedCard(student, token, code))
        SignInCard.objects.bulk_create(rows)
    return printed


def revoke_cards(classroom):
    """Revoke every unused card of the class; returns how many."""
    return SignInCard.objects.filter(classroom=classroom, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


class CardRefused(Exception):
    """The card cannot sign anyone in; `reason` is one of the keys of REFUSALS in the views."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def find_card(*, token=None, code=None):
    """The card for a token or a typed code, or CardRefused saying why it cannot be used."""
    if token:
        card = SignInCard.objects.select_related("classroom", "student").filter(token_hash=hash_token(token)).first()
    elif code and len(normalise_join_code(code)) == CARD_CODE_LENGTH:
        card = SignInCard.objects.select_related("classroom", "student").filter(code_hash=hash_code(code)).first()
    else:
        card = None
    if card is None:
        raise CardRefused("unknown")
    if card.revoked_at:
        raise CardRefused("revoked")
    if card.used_at:
        raise CardRefused("used")
    if card.expires_at <= timezone.now():
        raise CardRefused("expired")
    if card.classroom.archived_at:
        raise CardRefused("archived")
    if not card.student.is_active or not card.student.is_student:
        raise CardRefused("unknown")
    if not Enrollment.objects.filter(classroom=card.classroom, student=card.student).exists():
        raise CardRefused("left")
    return card


def redeem(card):
    """Mark the card used, once: a second tab or a double tap finds it used (one conditional UPDATE)."""
    claimed = SignInCard.objects.filter(pk=card.pk, used_at__isnull=True, revoked_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not claimed:
        raise CardRefused("used")
    return card.student
