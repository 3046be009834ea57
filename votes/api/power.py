"""Voting power: the Shapley–Shubik and Banzhaf indices of the members seated on a day."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

import charter
from api.params import choice_param
from members.api import day_param
from members.models import Composition
from resolutions.models import Draft


class PowerIndexSerializer(serializers.Serializer[Any]):
    member = serializers.CharField()
    name = serializers.CharField()
    permanent = serializers.BooleanField()
    shapley_shubik = serializers.CharField(help_text="Exact fraction, e.g. 421/2145.")
    shapley_shubik_float = serializers.FloatField()
    banzhaf_raw = serializers.CharField()
    banzhaf_raw_float = serializers.FloatField()
    banzhaf_normalised = serializers.CharField()
    banzhaf_normalised_float = serializers.FloatField()


class PowerIndicesSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    matter = serializers.ChoiceField(choices=Draft.Matter.choices)
    quota = serializers.IntegerField()
    seated = serializers.IntegerField()
    members = PowerIndexSerializer(many=True)


class PowerIndices(generics.GenericAPIView[Any]):
    serializer_class = PowerIndicesSerializer

    @extend_schema(
        summary="Shapley–Shubik and Banzhaf power of each member seated on a day",
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter("matter", OpenApiTypes.STR, enum=["substantive", "procedural"]),
        ],
    )
    def get(self, request: Request) -> Response:
        day = day_param(request)
        matter = choice_param(request, "matter", Draft.Matter.values, default="substantive")
        try:
            composition = Composition.on(day)
            rule = composition.rule(charter.Matter(matter))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"on": error.messages}) from None
        names = composition.names
        members = [
            {
                "member": i.member,
                "name": names[i.member],
                "permanent": i.permanent,
                "shapley_shubik": str(i.shapley_shubik),
                "shapley_shubik_float": float(i.shapley_shubik),
                "banzhaf_raw": str(i.banzhaf_raw),
                "banzhaf_raw_float": float(i.banzhaf_raw),
                "banzhaf_normalised": str(i.banzhaf_normalised),
                "banzhaf_normalised_float": float(i.banzhaf_normalised),
            }
            for i in charter.power_indices(rule)
        ]
        data = {
            "on": day,
            "matter": matter,
            "quota": rule.quota,
            "seated": len(rule.members),
            "members": members,
        }
        return Response(PowerIndicesSerializer(data).data)
