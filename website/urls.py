from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.static import serve as serve_media

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from classrooms import urls as classroom_urls
from lessons import views as lesson_views
from quizzes import urls as quiz_urls
from support import urls as support_urls

handler400 = "website.views.bad_request"
handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT})]

# Every page a person reads carries its language: /ko/… and /en/…
urlpatterns += i18n_patterns(
    path("help/", include(support_urls)),
    path("accounts/", include("allauth.urls")),
    path("search/", lesson_views.search, name="search"),
    path("learn/", include(quiz_urls)),
    path("", include(classroom_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
