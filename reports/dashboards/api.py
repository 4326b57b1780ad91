"""Read-only data API (Django REST framework): campaigns, progress, report rows, flags.

Token authentication per bureau account (``/dashboard/api-token/``), session auth for the
browser. Scoped through ``reports.selectors`` exactly like the pages: a caller sees the
campaigns visible to it and, within a campaign, only reports of its subtree (``?unit=``
narrows to a unit below; a unit outside the subtree is a 404). Submitters get 403.

Conventions an IT office can build on:

- **Units by code** everywhere: rows name units by ``code`` (学校标识码 for schools) and
  ``?unit=`` takes a code (an internal id would change between installations).
- **Definitions**: ``GET /api/definitions/`` lists every indicator code (label, unit, bounds,
  policy limit) and checklist code (text, topic) used in ``indicator_values`` and
  ``checklist_answers``, plus the answer codes.
- **Enums** in the schema for ``state``, ``school_type``, ``kind``, ``topic``, ``status``.
- **Rates** are percentages 0–100 named ``*_pct`` (``handed_in_pct``, ``copied_pct``).
- **Errors** in Chinese, ``{"detail": "…"}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from reports.choices import (
    Answer,
    CampaignStatus,
    ChecklistTopic,
    IndicatorGroup,
    OrgKind,
    ReportState,
    SchoolType,
    Topic,
)
from reports.dashboards import queries
from reports.dashboards.exports.rows import VALUE_FIELDS, record, report_rows_queryset, row_context
from reports.models import Campaign, ChecklistItemDefinition, IndicatorDefinition, Organization
from reports.selectors import campaigns_visible_to, is_bureau_staff, units_visible_to, user_unit


class IsBureauStaff(BasePermission):
    message = "数据接口仅供教育局账号（审核员、上级查看、管理员）使用"

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and is_bureau_staff(
            request.user
        )


NOT_FOUND = "未找到：对象不存在，或不在本账号的数据范围内"


def chinese_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Django's English 404 text replaced by a Chinese one."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    return exception_handler(exc, context)


class ChineseErrors:
    """Mixed into every API view: errors answer ``{"detail": "<Chinese>"}``."""

    def get_exception_handler(self):
        return chinese_exception_handler


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="内部编号（仅供参考；请用 code 指代单位）")
    code = serializers.CharField(help_text="单位代码（学校为学校标识码）")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgKind.choices)


class CampaignSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.code", help_text="发布单位代码")
    target_unit = serializers.CharField(source="target_unit.code", help_text="填报范围单位代码")
    target_school_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SchoolType.choices), help_text="限定学段；空表示所有"
    )
    indicators = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="本任务填报的指标代码"
    )
    checklist_items = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="本任务的自查清单代码"
    )

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
            "target_school_types",
            "opens_at",
            "deadline",
            "doc_number",
            "indicators",
            "checklist_items",
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
    handed_in_pct = serializers.FloatField(
        source="handed_in_rate", allow_null=True, help_text="提交率，百分数 0–100"
    )


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
    kind = serializers.ChoiceField(choices=OrgKind.choices)


class ReportRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="学校标识码")
    name = serializers.CharField()
    parents = ParentSerializer(many=True, help_text="上级单位，自上而下")
    school_type = serializers.ChoiceField(
        choices=SchoolType.choices, allow_blank=True, help_text="学段"
    )
    state = serializers.ChoiceField(choices=ReportState.choices)
    state_label = serializers.CharField()
    version = serializers.IntegerField(help_text="提交次数")
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    is_late = serializers.BooleanField()
    indicator_values = serializers.DictField(help_text="指标代码 → 数值，代码见 /api/definitions/")
    checklist_answers = serializers.DictField(
        help_text="清单代码 → {answer, note}，代码见 /api/definitions/"
    )
    flags = serializers.DictField(
        allow_null=True, help_text="最新版本的文本分析标记（计数）；未分析为 null"
    )
    risk = serializers.IntegerField(allow_null=True)
    copied_pct = serializers.FloatField(allow_null=True, help_text="雷同比例，百分数 0–100")


class FlagsSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    unit = UnitSerializer()
    totals = serializers.DictField(child=serializers.IntegerField())


UNIT_PARAM = OpenApiParameter(
    "unit", OpenApiTypes.STR, description="单位代码：限定到本账号范围内的某个下级单位"
)


def _unit_json(unit: Organization) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind}


class ApiPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 100, at most 1000)."""

    page_size_query_param = "page_size"
    max_page_size = 1000


class CampaignViewSet(ChineseErrors, viewsets.ReadOnlyModelViewSet):
    """填报任务（本账号可见的）。"""

    serializer_class = CampaignSerializer
    pagination_class = ApiPagination
    permission_classes = [IsAuthenticated, IsBureauStaff]

    def get_queryset(self):
        return (
            campaigns_visible_to(self.request.user)
            .select_related("issuer", "target_unit")
            .prefetch_related("indicators", "checklist_items")
            .order_by("-deadline", "-pk")
        )

    def _unit(self, campaign: Campaign) -> Organization:
        user = self.request.user
        raw = self.request.query_params.get("unit")
        if raw is not None:
            code = raw.replace("\x00", "")[:64]  # PostgreSQL refuses NUL in text
            return get_object_or_404(units_visible_to(user), code=code)
        return user_unit(user) or campaign.target_unit

    @extend_schema(parameters=[UNIT_PARAM], responses=ProgressSerializer)
    @action(detail=True)
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """各状态报告数、逾期数，以及按下级单位的分布。"""
        campaign = self.get_object()
        unit = self._unit(campaign)
        data = queries.progress(campaign, unit, request.user)
        payload = {
            "campaign": campaign.pk,
            "unit": _unit_json(unit),
            "totals": data["totals"],
            "children": [
                {"unit": _unit_json(row.unit), "counts": row.counts} for row in data["children"]
            ],
        }
        return Response(ProgressSerializer(payload).data)

    @extend_schema(parameters=[UNIT_PARAM], responses=ReportRowSerializer(many=True))
    @action(detail=True)
    def reports(self, request: Request, pk: str | None = None) -> Response:
        """每校一行：单位、上级单位、学段、状态、提交时间、指标、自查清单、分析标记（分页）。"""
        campaign = self.get_object()
        unit = self._unit(campaign)
        rows = report_rows_queryset(campaign, unit, request.user).values(*VALUE_FIELDS)
        page = self.paginate_queryset(rows)
        ctx = row_context(campaign, unit)
        records = [_api_row(record(raw, ctx)) for raw in page]
        return self.get_paginated_response(ReportRowSerializer(records, many=True).data)

    @extend_schema(parameters=[UNIT_PARAM], responses=FlagsSerializer)
    @action(detail=True)
    def flags(self, request: Request, pk: str | None = None) -> Response:
        """分析提示的报告数：雷同（来自他校 / 范文库）、占位符、偏题、数字矛盾等。"""
        campaign = self.get_object()
        unit = self._unit(campaign)
        totals = queries.flag_overview(campaign, unit, request.user, children=[])["totals"]
        return Response({"campaign": campaign.pk, "unit": _unit_json(unit), "totals": totals})


def _api_row(rec: dict[str, Any]) -> dict[str, Any]:
    """The API's view of a row: the copied share once, as a percentage."""
    share = rec.pop("copied_share")
    flags = rec["flags"]
    if flags is not None:
        share = flags.get("copied_share", share)
        rec["flags"] = {k: v for k, v in flags.items() if k != "copied_share"}
    rec["copied_pct"] = round(float(share) * 100, 1) if share is not None else None
    return rec


class IndicatorDefinitionSerializer(serializers.ModelSerializer):
    group = serializers.ChoiceField(choices=IndicatorGroup.choices)
    school_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SchoolType.choices),
        help_text="适用学段；空表示所有",
    )

    class Meta:
        model = IndicatorDefinition
        fields = [
            "code",
            "label",
            "unit",
            "group",
            "kind",
            "integer",
            "min_value",
            "max_value",
            "policy_min",
            "policy_max",
            "limit_note",
            "school_types",
        ]


class ChecklistDefinitionSerializer(serializers.ModelSerializer):
    topic = serializers.ChoiceField(choices=ChecklistTopic.choices)

    class Meta:
        model = ChecklistItemDefinition
        fields = ["code", "text", "topic"]


class ChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class DefinitionsSerializer(serializers.Serializer):
    indicators = IndicatorDefinitionSerializer(many=True)
    checklist = ChecklistDefinitionSerializer(many=True)
    answers = ChoiceSerializer(many=True, help_text="自查清单的回答代码")
    states = ChoiceSerializer(many=True)
    school_types = ChoiceSerializer(many=True)
    unit_kinds = ChoiceSerializer(many=True)
    topics = ChoiceSerializer(many=True)
    campaign_statuses = ChoiceSerializer(many=True)


def _choices(enum: Any) -> list[dict[str, str]]:
    return [{"code": value, "label": label} for value, label in enum.choices]


class DefinitionsView(ChineseErrors, APIView):
    """指标、自查清单和各代码的定义：indicator_values / checklist_answers 中代码的含义。"""

    permission_classes = [IsAuthenticated, IsBureauStaff]

    @extend_schema(responses=DefinitionsSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "indicators": IndicatorDefinitionSerializer(
                    IndicatorDefinition.objects.order_by("order", "code"), many=True
                ).data,
                "checklist": ChecklistDefinitionSerializer(
                    ChecklistItemDefinition.objects.order_by("order", "code"), many=True
                ).data,
                "answers": _choices(Answer),
                "states": _choices(ReportState),
                "school_types": _choices(SchoolType),
                "unit_kinds": _choices(OrgKind),
                "topics": _choices(Topic),
                "campaign_statuses": _choices(CampaignStatus),
            }
        )
