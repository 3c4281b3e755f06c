from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.static import serve as serve_media

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from classrooms import urls as classroom_urls
from lessons import views as lesson_views
from offices import urls as office_urls
from quizzes import urls as quiz_urls
from schools import urls as school_urls
from support import urls as support_urls
from teaching import urls as teaching_urls
from users import views as user_views

handler400 = "website.views.bad_request"
handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"

urlpatterns = [
    # Browsers and crawlers ask for /favicon.ico whatever the page says; answer instead of a 404.
    # (static() is called per request: with the manifest storage it needs collectstatic to have run.)
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.ico")), name="favicon"),
    # Before Wagtail's own: its login would create a session on the password alone (users.views).
    path("cms/login/", user_views.admin_login, name="wagtailadmin_login"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT})]

# Every page a person reads carries its language: /ko/… and /en/…
urlpatterns += i18n_patterns(
    path("help/", include(support_urls)),
    # Before allauth's own: a sign-up that answers the same whether the address is taken or not.
    path("accounts/signup/", user_views.teacher_signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("search/", lesson_views.search, name="search"),
    path("learn/", include(quiz_urls)),
    path("teach/school/", include(school_urls)),
    path("", include(classroom_urls)),
    path("", include(teaching_urls)),
    path("office/", include(office_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
