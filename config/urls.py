"""The URL map: the site, the admin, and the REST API under ``/api/v1/`` (its paths are a
contract: add, never change)."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views as api_views
from config import views
from members import api as members_api
from resolutions import api as resolutions_api
from votes import views as votes_views
from votes.api import drafts, positions, power, projection, recorded, scenarios, tally

admin.site.site_header = "UN Security Council sanctions tracker"
admin.site.site_title = "Sanctions tracker admin"

api_v1 = [
    path("", api_views.root, name="root"),
    path("members/", members_api.CouncilOnDay.as_view(), name="members"),
    path("regimes/", resolutions_api.RegimeList.as_view(), name="regimes"),
    path("sectors/", resolutions_api.SectorList.as_view(), name="sectors"),
    path("drafts/", drafts.DraftList.as_view(), name="drafts"),
    path("drafts/<str:key>/", drafts.DraftDetail.as_view(), name="draft"),
    path("drafts/<str:key>/tally/", tally.DraftTally.as_view(), name="draft-tally"),
    path(
        "drafts/<str:key>/projection/",
        projection.DraftProjection.as_view(),
        name="draft-projection",
    ),
    path("drafts/<str:key>/scenarios/", scenarios.DraftScenarios.as_view(), name="draft-scenarios"),
    path("drafts/<str:key>/positions/", positions.DraftPositions.as_view(), name="draft-positions"),
    path("votes/", recorded.RecordedVoteList.as_view(), name="votes"),
    path("votes/<int:pk>/", recorded.RecordedVoteDetail.as_view(), name="vote"),
    path("power-indices/", power.PowerIndices.as_view(), name="power-indices"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path under the API is a JSON 404, never Django's HTML page.
    re_path(r"^.*$", api_views.not_found, name="not-found"),
]

urlpatterns = [
    path("", votes_views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
]
