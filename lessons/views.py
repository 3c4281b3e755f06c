from django.core.paginator import Paginator
from django.shortcuts import render

from wagtail.models import Locale

from .models import LessonPage


def search(request):
    """Search lessons in the reader's language (database backend; PostgreSQL full text in production)."""
    query = request.GET.get("q", "").strip()[:200]
    results = []
    if query:
        lessons = LessonPage.objects.live().public().filter(locale=Locale.get_active())
        results = lessons.search(query, operator="and")
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(request, "lessons/search.html", {"query": query, "results": page})
