"""Response headers that keep readers safe and pages private."""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control

# Public pages get their policy from django-csp (CONTENT_SECURITY_POLICY); the Wagtail admin,
# excluded there, needs inline scripts and styles and gets this looser one.
ADMIN_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SafetyHeadersMiddleware:
    """The admin's Content-Security-Policy, Permissions-Policy; no caching and no referrer on help pages;
    nothing a signed-in person sees is kept by the browser or any cache between it and us."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/cms/", "/django-admin/")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefixes):
            response.setdefault("Content-Security-Policy", ADMIN_CSP)
        if getattr(request, "is_preview", False):
            # Wagtail renders a preview (at the page's public path) inside an iframe of its own editor:
            # that frame, same origin only. Everywhere else no one may frame us.
            response._csp_replace = {"frame-ancestors": ["'self'"]}
            response["X-Frame-Options"] = "SAMEORIGIN"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if getattr(request, "leaves_no_trace", False):
            # A shared phone or school computer must not keep a copy of a help page.
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = "no-referrer"
        if _signed_in(request):
            # A student's progress or a teacher's roster must not stay in a shared computer's disk
            # cache after logout, nor in a proxy's.
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request):
    # Without a session cookie nobody is signed in: asking request.user would read the session
    # and add "Vary: Cookie" to every anonymous page for nothing.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def leaves_no_trace(view):
    """Mark a view as a help page: no-store, no referrer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.leaves_no_trace = True
        return view(request, *args, **kwargs)

    return wrapped
