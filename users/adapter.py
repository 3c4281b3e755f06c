from allauth.account.adapter import DefaultAccountAdapter

from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """After logging in, teachers land on their classes and students on their assignments."""

    def get_login_redirect_url(self, request):
        language = translation.get_language() or "ko"
        user = request.user
        if getattr(user, "is_teacher", False):
            return f"/{language}/teach/"
        if getattr(user, "is_student", False):
            return f"/{language}/learn/"
        return super().get_login_redirect_url(request)
