"""Refuse a request body larger than the site ever needs before anything reads it.

Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files; a reverse proxy
usually caps both. This cap holds without one: a Content-Length over DIGNITY_MAX_REQUEST_BYTES is
answered with the 413 page (website.views.bad_request) and the body is never read.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DIGNITY_MAX_REQUEST_BYTES:
            raise RequestDataTooBig("Request body exceeded DIGNITY_MAX_REQUEST_BYTES.")
        return self.get_response(request)
