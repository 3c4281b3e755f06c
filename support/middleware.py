"""Response headers that keep readers safe and pages private."""

from functools import wraps

# No third-party script, style, font, frame or beacon on any public page. The Wagtail admin
# needs inline scripts and styles, so it gets its own, looser policy.
PUBLIC_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
ADMIN_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SafetyHeadersMiddleware:
    """Content-Security-Policy everywhere; no caching and no referrer on help pages."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/cms/", "/django-admin/")

    def __call__(self, request):
        response = self.get_response(request)
        is_admin = request.path.startswith(self.admin_prefixes)
        response.setdefault("Content-Security-Policy", ADMIN_CSP if is_admin else PUBLIC_CSP)
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
