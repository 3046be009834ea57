"""The API root, and the answer where the API has no endpoint."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

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


class NoEndpoint(APIView):
    """Any path under the API that names no endpoint: a 404 in the API's error shape for every
    method, OPTIONS too, with no ``Allow`` header (there is nothing there to allow)."""

    permission_classes = [AllowAny]
    schema = None

    @property
    def default_response_headers(self) -> dict[str, str]:
        headers: dict[str, str] = super().default_response_headers
        headers.pop("Allow", None)
        return headers

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound(f"There is no API endpoint at {request.path}; see {reverse('api:root')}.")


not_found = NoEndpoint.as_view()
