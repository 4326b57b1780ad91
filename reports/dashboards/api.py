"""Read-only data API (Django REST framework): campaigns, progress, report rows, flags.

Token authentication per bureau account (``/dashboard/api-token/``), session auth for the
browser. Scoped through ``reports.selectors`` exactly like the pages: a caller sees the
campaigns visible to it and, within a campaign, only reports of its subtree (``?unit=``
narrows to a unit below; a unit outside the subtree is a 404). Submitters get 403.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from reports.dashboards import queries
from reports.dashboards.exports.rows import VALUE_FIELDS, record, report_rows_queryset, row_context
from reports.models import Campaign, Organization
from reports.selectors import campaigns_visible_to, is_bureau_staff, units_visible_to, user_unit


class IsBureauStaff(BasePermission):
    message = "数据接口仅供教育局账号（审核员、上级查看、管理员）使用"

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and is_bureau_staff(
            request.user
        )


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class CampaignSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.code", help_text="发布单位代码")
    target_unit = serializers.CharField(source="target_unit.code", help_text="填报范围单位代码")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "period",
            "topic",
            "status",
            "issuer",
            "target_unit",
            "opens_at",
            "deadline",
        ]


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="应报")
    not_started = serializers.IntegerField(help_text="未开始")
    draft = serializers.IntegerField(help_text="草稿")
    submitted = serializers.IntegerField(help_text="已提交（含审核中）")
    returned = serializers.IntegerField(help_text="退回")
    approved = serializers.IntegerField(help_text="已通过")
    late = serializers.IntegerField(help_text="逾期（逾期提交或过期未交）")
    handed_in = serializers.IntegerField(help_text="已交（至少提交过一次）")
    on_time = serializers.IntegerField(help_text="按时提交")
    handed_in_rate = serializers.FloatField(allow_null=True, help_text="提交率（%）")


class ChildProgressSerializer(serializers.Serializer):
    unit = UnitSerializer()
    counts = CountsSerializer()


class ProgressSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    unit = UnitSerializer()
    totals = CountsSerializer()
    children = ChildProgressSerializer(many=True)


class ParentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class ReportRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="学校标识码")
    name = serializers.CharField()
    parents = ParentSerializer(many=True, help_text="上级单位，自上而下")
    school_type = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    version = serializers.IntegerField(help_text="提交次数")
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    is_late = serializers.BooleanField()
    indicator_values = serializers.DictField()
    checklist_answers = serializers.DictField()
    flags = serializers.DictField(
        allow_null=True, help_text="最新版本的文本分析标记；未分析为 null"
    )
    risk = serializers.IntegerField(allow_null=True)
    copied_share = serializers.FloatField(allow_null=True)


class FlagsSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    unit = UnitSerializer()
    totals = serializers.DictField(child=serializers.IntegerField())


UNIT_PARAM = OpenApiParameter(
    "unit", OpenApiTypes.INT, description="限定到本账号范围内的某个下级单位（ID）"
)


def _unit_json(unit: Organization) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind}


class ApiPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 100, at most 1000)."""

    page_size_query_param = "page_size"
    max_page_size = 1000


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """填报任务（本账号可见的）。"""

    serializer_class = CampaignSerializer
    pagination_class = ApiPagination
    permission_classes = [IsAuthenticated, IsBureauStaff]

    def get_queryset(self):
        return campaigns_visible_to(self.request.user).order_by("-deadline", "-pk")

    def _unit(self, campaign: Campaign) -> Organization:
        user = self.request.user
        raw = self.request.query_params.get("unit")
        if raw:
            # isdecimal, not isdigit: "²" is a digit that int() refuses.
            pk = int(raw) if raw.isdecimal() and len(raw) <= 18 else 0
            return get_object_or_404(units_visible_to(user), pk=pk)
        return user_unit(user) or campaign.target_unit

    @extend_schema(parameters=[UNIT_PARAM], responses=ProgressSerializer)
    @action(detail=True)
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """各状态报告数、逾期数，以及按下级单位的分布。"""
        campaign = self.get_object()
        unit = self._unit(campaign)
        data = queries.progress(campaign, unit, request.user)
        return Response(
            {
                "campaign": campaign.pk,
                "unit": _unit_json(unit),
                "totals": data["totals"],
                "children": [
                    {"unit": _unit_json(row.unit), "counts": row.counts} for row in data["children"]
                ],
            }
        )

    @extend_schema(parameters=[UNIT_PARAM], responses=ReportRowSerializer(many=True))
    @action(detail=True)
    def reports(self, request: Request, pk: str | None = None) -> Response:
        """每校一行：单位、上级单位、学段、状态、提交时间、指标、自查清单、分析标记（分页）。"""
        campaign = self.get_object()
        unit = self._unit(campaign)
        rows = report_rows_queryset(campaign, unit, request.user).values(*VALUE_FIELDS)
        page = self.paginate_queryset(rows)
        ctx = row_context(campaign, unit)
        records = [record(raw, ctx) for raw in page]
        return self.get_paginated_response(ReportRowSerializer(records, many=True).data)

    @extend_schema(parameters=[UNIT_PARAM], responses=FlagsSerializer)
    @action(detail=True)
    def flags(self, request: Request, pk: str | None = None) -> Response:
        """分析提示的报告数：雷同（来自他校 / 范文库）、占位符、偏题、数字矛盾等。"""
        campaign = self.get_object()
        unit = self._unit(campaign)
        totals = queries.flag_overview(campaign, unit, request.user, children=[])["totals"]
        return Response({"campaign": campaign.pk, "unit": _unit_json(unit), "totals": totals})
