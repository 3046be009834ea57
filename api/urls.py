"""Routes of the REST API, version 1. These paths are a contract: add, never change."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views
from members import api as members_api
from resolutions import api as resolutions_api
from votes import api as votes_api

app_name = "api"

urlpatterns = [
    path("", views.root, name="root"),
    path("members/", members_api.members_list, name="members"),
    path("regimes/", resolutions_api.RegimeList.as_view(), name="regimes"),
    path("sectors/", resolutions_api.SectorList.as_view(), name="sectors"),
    path("drafts/", resolutions_api.DraftList.as_view(), name="drafts"),
    path("drafts/<str:key>/", resolutions_api.DraftDetail.as_view(), name="draft"),
    path("drafts/<str:key>/tally/", votes_api.draft_tally, name="draft-tally"),
    path("drafts/<str:key>/projection/", votes_api.draft_projection, name="draft-projection"),
    path("drafts/<str:key>/scenarios/", votes_api.draft_scenarios, name="draft-scenarios"),
    path("drafts/<str:key>/positions/", votes_api.DraftPositions.as_view(), name="draft-positions"),
    path("votes/", votes_api.RecordedVoteList.as_view(), name="votes"),
    path("votes/<int:pk>/", votes_api.RecordedVoteDetail.as_view(), name="vote"),
    path("power-indices/", votes_api.power_indices, name="power-indices"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path under the API is a JSON 404, never Django's HTML page.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
