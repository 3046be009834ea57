"""The API root."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

EXAMPLE_KEY = "dprk-relief-2019"
"""The seed's December 2019 Russian–Chinese DPRK draft."""


@extend_schema(summary="The endpoints of the API", responses={200: dict[str, str]})
@api_view(["GET"])
def root(request: Request) -> Response:
    def url(name: str, **kwargs: object) -> str:
        return reverse(name, kwargs=kwargs or None, request=request)

    return Response(
        {
            "members": url("api:members"),
            "regimes": url("api:regimes"),
            "sectors": url("api:sectors"),
            "drafts": url("api:drafts"),
            "draft": url("api:draft", key=EXAMPLE_KEY),
            "tally": url("api:draft-tally", key=EXAMPLE_KEY),
            "projection": url("api:draft-projection", key=EXAMPLE_KEY),
            "scenarios": url("api:draft-scenarios", key=EXAMPLE_KEY),
            "positions": url("api:draft-positions", key=EXAMPLE_KEY),
            "votes": url("api:votes"),
            "power_indices": url("api:power-indices"),
            "schema": url("api:schema"),
            "docs": url("api:docs"),
        }
    )


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request: Request) -> Response:
    raise NotFound(f"There is no API endpoint at {request.path}; see {reverse('api:root')}.")
