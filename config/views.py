"""Project-level pages: the home page and the health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from resolutions.models import Draft
from votes.projections import with_projection_state


def home(request: HttpRequest) -> HttpResponse:
    drafts = with_projection_state(
        Draft.objects.select_related("regime").prefetch_related("sponsorships__member")
    )
    return render(request, "home.html", {"drafts": drafts})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
