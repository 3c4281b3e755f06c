"""Response headers that keep readers safe and pages private."""

from functools import wraps

# Public pages get their policy from django-csp (CONTENT_SECURITY_POLICY); the Wagtail admin,
# excluded there, needs inline scripts and styles and gets this looser one.
ADMIN_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SafetyHeadersMiddleware:
    """The admin's Content-Security-Policy, Permissions-Policy; no caching and no referrer on help pages."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/cms/", "/django-admin/")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefixes):
            response.setdefault("Content-Security-Policy", ADMIN_CSP)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if getattr(request, "leaves_no_trace", False):
            # A shared phone or school computer must not keep a copy of a help page.
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = "no-referrer"
        return response


def leaves_no_trace(view):
    """Mark a view as a help page: no-store, no referrer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.leaves_no_trace = True
        return view(request, *args, **kwargs)

    return wrapped
