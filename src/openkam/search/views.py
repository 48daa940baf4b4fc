"""The search page: one box over accounts, people, interactions (transcripts too) and
knowledge, showing only what the reader may see."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openkam.core.http import HtmxHttpRequest
from openkam.search.forms import SearchForm
from openkam.search.selectors import MAX_CANDIDATES, PHRASE_CANDIDATES, search

PAGE_SIZE = 20


@require_GET
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query, kind = data.get("q") or "", data.get("kind") or ""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    results = search(
        user=request.user, query=query, kind=kind, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    pages = max(1, -(-results.total // PAGE_SIZE))
    params = {k: v for k, v in {"q": query, "kind": kind}.items() if v}
    context = {
        "form": form,
        "query": query,
        "results": results,
        "page": page,
        "has_previous": page > 1,
        "has_next": page < pages,
        "pages": pages,
        "start": (page - 1) * PAGE_SIZE + 1,
        "end": (page - 1) * PAGE_SIZE + len(results.items),
        "querystring_base": urlencode(params) + "&" if params else "",
        "max_candidates": MAX_CANDIDATES,
        "phrase_candidates": PHRASE_CANDIDATES,
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "search/_results.html", context)
    return render(request, "search/search.html", context)
