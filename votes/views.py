"""The site's pages owned by the votes app: the home page (drafts with their projections)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from resolutions.api import drafts_with_sponsors
from votes.projections import with_projection_state


def home(request: HttpRequest) -> HttpResponse:
    drafts = with_projection_state(drafts_with_sponsors())
    return render(request, "home.html", {"drafts": drafts})
