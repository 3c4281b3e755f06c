"""The site's URLs plus /bench/hello/, the bare Django view the benchmark uses as its baseline."""

from django.http import HttpResponse
from django.urls import path

from website.urls import handler404, handler500  # noqa: F401 - the site's error pages
from website.urls import urlpatterns as site_patterns


def hello(request):
    """No template, no database, no session: what the framework and middleware cost on their own."""
    return HttpResponse("Hello from Dignity.\n", content_type="text/plain; charset=utf-8")


# website.urls uses i18n_patterns, which Django allows only in the root URLconf, so its patterns are
# taken in whole rather than through include().
urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *site_patterns]
