"""Refuse requests the site never needs before anything reads them.

- A body larger than the site ever needs: Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but
  not uploaded files; a reverse proxy usually caps both. This cap holds without one: a Content-Length
  over DIGNITY_MAX_REQUEST_BYTES is answered with the 413 page (website.views.bad_request) and the
  body is never read.
- A method no page uses (TRACE, CONNECT, anything made up): 405, whatever view the path resolves to;
  function views would otherwise answer it like a GET.
- A NUL byte in the path, a query parameter or a form field: no person types one, PostgreSQL cannot
  store or compare one (a search for `a%00b` was a 500), so it is the 400 page with the site's
  chrome, and nothing is read further.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponseNotAllowed

ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NulByteInRequest(SuspiciousOperation):
    """Django answers a SuspiciousOperation with handler400 (the site's 400 page) and logs it."""


class RequestHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DIGNITY_MAX_REQUEST_BYTES:
            raise RequestDataTooBig("Request body exceeded DIGNITY_MAX_REQUEST_BYTES.")
        if _has_nul(request):
            raise NulByteInRequest("NUL byte in the request.")
        return self.get_response(request)


def _has_nul(request):
    if "\x00" in request.path or _nul_in(request.GET):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return _nul_in(request.POST)
    return False


def _nul_in(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


# The name it had when it only checked the size.
RequestSizeLimitMiddleware = RequestHygieneMiddleware
