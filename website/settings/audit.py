"""Production settings for `make audit`'s scanners (.ci/audit.py): a local server on 127.0.0.1 that
answers exactly as production does, headers and cookies included, without collectstatic."""

import os

from .production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The scanners' own TLS server is on a port of its own: plain HTTP redirects there.
SECURE_SSL_HOST = os.environ.get("DJANGO_SECURE_SSL_HOST") or None
