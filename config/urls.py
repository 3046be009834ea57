"""The URL map: the site, the admin, and the REST API under ``/api/v1/`` (its paths are a
contract: add, never change)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views as api_views
from config import views
from config.access import View, readable
from members import api as members_api
from members import views as members_views
from resolutions import api as resolutions_api
from resolutions import views as resolutions_views
from votes import views as votes_views
from votes.api import (
    drafts,
    members,
    positions,
    power,
    projection,
    recorded,
    scenarios,
    stats,
    tally,
)

admin.site.site_header = "UN Security Council sanctions tracker"
admin.site.site_title = "Sanctions tracker admin"

api_v1 = [
    path("", api_views.root, name="root"),
    path("members/", members_api.CouncilOnDay.as_view(), name="members"),
    path("regimes/", resolutions_api.RegimeList.as_view(), name="regimes"),
    path("sectors/", resolutions_api.SectorList.as_view(), name="sectors"),
    path("drafts/", drafts.DraftList.as_view(), name="drafts"),
    path("drafts/<str:key>/", drafts.DraftDetail.as_view(), name="draft"),
    path("drafts/<str:key>/history/", drafts.DraftHistory.as_view(), name="draft-history"),
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
    path("members/<str:code>/", members.MemberDetail.as_view(), name="member"),
    path("members/<str:code>/history/", members_api.MemberHistory.as_view(), name="member-history"),
    path(
        "members/<str:code>/terms/<int:pk>/",
        members_api.TermDetail.as_view(),
        name="member-term",
    ),
    path("stats/vetoes/", stats.VetoStats.as_view(), name="stats-vetoes"),
    path("stats/outcomes/", stats.OutcomeStats.as_view(), name="stats-outcomes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path under the API is a JSON 404, never Django's HTML page.
    # (Any character, a newline included: "." alone would leave "/api/v1/a%0Ab/" to Django.)
    re_path(r"^[\s\S]*$", api_views.not_found, name="not-found"),
]


def page(route: str, view: View, name: str) -> URLPattern:
    """A page of the analysts' site: readable by whoever may read the API."""
    return path(route, readable(view), name=name)


site = [
    page("", votes_views.home, name="home"),
    page("drafts/", votes_views.draft_list, name="draft-list"),
    page("drafts/<str:key>/", votes_views.draft_detail, name="draft"),
    page("drafts/<str:key>/panel/", votes_views.draft_panel, name="draft-panel"),
    page(
        "drafts/<str:key>/positions/add/",
        votes_views.draft_add_position,
        name="draft-add-position",
    ),
    page("drafts/<str:key>/share.svg", votes_views.draft_share_svg, name="draft-share-svg"),
    page("drafts/<str:key>/share.png", votes_views.draft_share_png, name="draft-share-png"),
    page("embed/drafts/<str:key>/", votes_views.draft_embed, name="draft-embed"),
    page("members/", members_views.council, name="council"),
    page("members/compare/", votes_views.member_compare, name="member-compare"),
    page("members/<str:code>/", votes_views.member_detail, name="member"),
    page("votes/", votes_views.vote_list, name="vote-list"),
    page("votes/<int:pk>/", votes_views.vote_detail, name="vote-detail"),
    page("sectors/", resolutions_views.sectors, name="sector-list"),
    page("sectors/<slug:slug>/", resolutions_views.sector, name="sector"),
]

urlpatterns = [
    *site,
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="registration/sign_in.html"),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
]
