"""Reporting tasks (填报任务) and the catalogues they pick indicators and checklist items from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reports.choices import (
    CampaignStatus,
    ChecklistTopic,
    IndicatorGroup,
    Topic,
)
from reports.models.accounts import Organization


class IndicatorDefinition(models.Model):
    """One structured number a campaign may ask (catalogue, editable in the admin)."""

    code = models.SlugField("代码", max_length=64, unique=True)
    label = models.CharField("名称", max_length=120)
    unit = models.CharField("单位", max_length=20, blank=True, default="")
    group = models.CharField("类别", max_length=16, choices=IndicatorGroup.choices)
    min_value = models.FloatField("下限", null=True, blank=True)
    max_value = models.FloatField("上限", null=True, blank=True)
    integer = models.BooleanField("整数", default=True)
    school_types = models.JSONField(
        "适用学段", default=list, blank=True, help_text="空表示所有学段（及非学校单位）"
    )
    kind = models.CharField(
        "类型",
        max_length=8,
        choices=[("number", "数值"), ("time", "时刻"), ("yesno", "是/否")],
        default="number",
    )
    boarding_only = models.BooleanField("仅寄宿制学校", default=False)
    policy_min = models.FloatField("政策下限", null=True, blank=True)
    policy_max = models.FloatField("政策上限", null=True, blank=True)
    limit_note = models.CharField("政策要求", max_length=120, blank=True, default="")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标库"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    def applies_to(self, organization: Organization) -> bool:
        return applies_to_school(self.school_types, self.boarding_only, organization)


def applies_to_school(
    school_types: list[str], boarding_only: bool, organization: Organization
) -> bool:
    """The one rule for "is this indicator / checklist item asked of this unit": its 学段
    list (empty = every unit) and, for 寄宿 items, a boarding school. Used by the form,
    validation, the review page, exports and dashboards through ``applies_to``."""
    if school_types and organization.school_type not in school_types:
        return False
    return not boarding_only or organization.boarding


class ChecklistItemDefinition(models.Model):
    """One self-inspection checklist item (catalogue, editable in the admin)."""

    code = models.SlugField("代码", max_length=64, unique=True)
    text = models.CharField("检查内容", max_length=300)
    topic = models.CharField("主题", max_length=24, choices=ChecklistTopic.choices)
    school_types = models.JSONField(
        "适用学段", default=list, blank=True, help_text="空表示所有学段（及非学校单位）"
    )
    boarding_only = models.BooleanField("仅寄宿制学校", default=False)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "自查清单项"
        verbose_name_plural = "自查清单库"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.text

    def applies_to(self, organization: Organization) -> bool:
        return applies_to_school(self.school_types, self.boarding_only, organization)


def default_sections() -> list[dict[str, str]]:
    return [
        {
            "key": "achievements",
            "title": "自查情况及成效",
            "kind": "work_done",
            "guidance": "做了哪些工作、取得了什么成效，尽量写明数字。",
        },
        {
            "key": "problems",
            "title": "存在的问题",
            "kind": "problems",
            "guidance": "如实写明自查发现的问题。",
        },
        {
            "key": "next_steps",
            "title": "下一步整改措施",
            "kind": "next_steps",
            "guidance": "针对问题的整改措施、责任人和时限。",
        },
    ]


class Campaign(models.Model):
    """A reporting task (填报任务) issued by a bureau to the schools of a subtree."""

    title = models.CharField("任务名称", max_length=200)
    notice = models.TextField("通知内容", blank=True, default="")
    notice_file = models.FileField("通知附件", upload_to="notices/%Y/", blank=True)
    period = models.CharField("填报周期", max_length=60, help_text="如 2025—2026学年第一学期")
    topic = models.CharField("主题", max_length=16, choices=Topic.choices, default=Topic.SHUANGJIAN)
    issuer = models.ForeignKey(
        Organization, verbose_name="发布单位", on_delete=models.PROTECT, related_name="+"
    )
    target_unit = models.ForeignKey(
        Organization,
        verbose_name="填报范围",
        on_delete=models.PROTECT,
        related_name="targeted_campaigns",
        help_text="该单位下属的所有学校",
    )
    target_school_types = models.JSONField("限定学段", default=list, blank=True)
    doc_number = models.CharField(
        "发文字号",
        max_length=60,
        blank=True,
        default="",
        help_text="汇总报告的文号，如 青教减〔2026〕3号；不填则报告不印文号",
    )
    main_recipient = models.CharField(
        "主送单位",
        max_length=200,
        blank=True,
        default="",
        help_text="汇总报告的主送机关，如 清河市教育局；不填则用发布单位的上级单位",
    )
    opens_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间")
    status = models.CharField(
        "状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    sections = models.JSONField("报告栏目", default=default_sections)
    indicators = models.ManyToManyField(IndicatorDefinition, verbose_name="指标", blank=True)
    checklist_items = models.ManyToManyField(
        ChecklistItemDefinition, verbose_name="自查清单", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # Bumped whenever its indicators or checklist items change (``reports.definitions``):
    # the key of the per-process cache of the campaign's definitions.
    definitions_changed_at = models.DateTimeField(
        "指标或清单修改时间", default=timezone.now, editable=False
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        verbose_name = "填报任务"
        verbose_name_plural = "填报任务"
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opens_at")), name="campaign_deadline_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def targets(self, organization: Organization) -> bool:
        return (
            organization.is_school
            and organization.path.startswith(self.target_unit.path)
            and (
                not self.target_school_types or organization.school_type in self.target_school_types
            )
        )
