"""Login and sign-up doors: one login for everyone, and a sign-up that does not tell who exists."""

from urllib.parse import urlencode

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.views import SignupView

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request):
    """/cms/login/: Wagtail's own login asks for the password only, so it only sends people to the
    allauth login (two-factor, lockout, one set of rules), keeping where they were going."""
    target = request.GET.get("next") or request.POST.get("next") or reverse("wagtailadmin_home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse("wagtailadmin_home")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


class TeacherSignupView(SignupView):
    """A new teacher account is not signed in until its email address is verified, so a sign-up with
    a new address and one with an address that already has an account get the same answer ("we sent
    you an email"); the owner of an existing account is told by email instead (users.forms)."""

    def form_valid(self, form):
        self.user, response = form.try_save(self.request)
        if response:
            return response
        return complete_signup(
            self.request,
            user=self.user,
            email_verification=account_settings.EmailVerificationMethod.MANDATORY,
            redirect_url=self.get_success_url(),
        )


teacher_signup = TeacherSignupView.as_view()
