"""Demo accounts for `make run`: one of each kind of person, with passwords printed on screen."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_ACCOUNTS = [
    # username, password, account type, email, groups, superuser
    ("editor", "dignity-editor-2026", "staff", "editor@example.org", ["Editors"], False),
    ("moderator", "dignity-moderator-2026", "staff", "moderator@example.org", ["Moderators"], False),
    ("admin", "dignity-admin-2026", "staff", "admin@example.org", [], True),
    ("teacher", "dignity-teacher-2026", "teacher", "teacher@example.org", [], False),
    ("student", "dignity-student-2026", "student", "", [], False),
]


def create_demo_accounts():
    """Create the demo accounts that do not exist yet; return (username, password) of each."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    for username, password, account_type, email, groups, superuser in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            account_type=account_type,
            email=email,
            display_name=username.capitalize(),
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.set_password(password)
        user.save()
        for name in groups:
            group = Group.objects.filter(name=name).first()
            if group:
                user.groups.add(group)
        if email:
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return [(username, password) for username, password, *_ in DEMO_ACCOUNTS]
