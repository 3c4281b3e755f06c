import re

from django.core.paginator import Paginator
from django.shortcuts import render

from wagtail.models import Locale

from .models import LessonPage


def search(request):
    """Search lessons in the reader's language (database backend; PostgreSQL full text in production)."""
    query = request.GET.get("q", "").strip()[:200]
    # Words only: the search backends read punctuation as query syntax, and on SQLite (FTS5) a
    # stray quote was a 500 (found by wapiti, `make audit`). Punctuation finds nothing in a lesson.
    words = " ".join(re.findall(r"\w+", query))
    results = []
    if words:
        lessons = LessonPage.objects.live().public().filter(locale=Locale.get_active())
        results = lessons.search(words, operator="and")
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(request, "lessons/search.html", {"query": query, "results": page})
