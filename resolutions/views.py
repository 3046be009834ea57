"""The site's sector pages: what each sector is under, and the drafts that would lift or ease
it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from resolutions.selectors import sector_page, sectors_page


def sectors(request: HttpRequest) -> HttpResponse:
    return render(request, "sectors/list.html", {"sectors": sectors_page()})


def sector(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "sectors/detail.html", {"page": sector_page(slug)})
