"""Domain models. Writes go through ``reports.services``; reads through ``reports.selectors``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Substr

from reports.choices import (
    AnalysisState,
    CampaignStatus,
    ChecklistTopic,
    ExportKind,
    ExportState,
    ImportState,
    IndicatorGroup,
    OrgKind,
    RectificationStatus,
    ReportState,
    ReviewKind,
    Role,
    SchoolType,
    Topic,
)


class User(AbstractUser):
    """A portal account. ``must_change_password`` is set on accounts created by import."""

    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    @property
    def membership_or_none(self) -> Membership | None:
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None


class Organization(models.Model):
    """A node of the 省 → 市 → 县(区) → (学区/镇) → 学校 tree.

    ``path`` is a materialised path of primary keys (``/1/7/42/``) kept by ``save``; a
    subtree is ``path__startswith``, one indexed query whatever the depth.
    """

    name = models.CharField("单位名称", max_length=200)
    code = models.CharField(
        "单位代码", max_length=32, unique=True, help_text="学校为10位学校标识码"
    )
    kind = models.CharField("单位类型", max_length=16, choices=OrgKind.choices)
    school_type = models.CharField(
        "学段", max_length=16, choices=SchoolType.choices, blank=True, default=""
    )
    boarding = models.BooleanField("寄宿制", default=False)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # db_index on a CharField also gets a varchar_pattern_ops index on PostgreSQL, which
    # serves the ``LIKE '/1/7/%'`` of a subtree query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrgKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(school_type="") | Q(kind=OrgKind.SCHOOL),
                name="organization_school_type_only_for_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path == old_path:
            return
        if self.parent_id and (parent_path.startswith(old_path) and old_path):
            raise ValueError("单位不能挂在自己的下级单位之下")
        new_depth = new_path.count("/") - 2
        Organization.objects.filter(pk=self.pk).update(path=new_path, depth=new_depth)
        if old_path:
            # Move the whole subtree along with this node.
            Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1)),
                depth=models.F("depth") + (new_depth - self.depth),
            )
        self.path, self.depth = new_path, new_depth

    @property
    def is_school(self) -> bool:
        return self.kind == OrgKind.SCHOOL

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to this unit's parent (no query)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class Membership(models.Model):
    """Gives one user one role at one unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE
    )
    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class AuditEvent(models.Model):
    """Append-only record of state changes, exports and permission-relevant events."""

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    target = models.CharField("对象", max_length=255, blank=True, default="")
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.JSONField("详情", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP", null=True, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


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
        return not self.school_types or organization.school_type in self.school_types


class ChecklistItemDefinition(models.Model):
    """One self-inspection checklist item (catalogue, editable in the admin)."""

    code = models.SlugField("代码", max_length=64, unique=True)
    text = models.CharField("检查内容", max_length=300)
    topic = models.CharField("主题", max_length=24, choices=ChecklistTopic.choices)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "自查清单项"
        verbose_name_plural = "自查清单库"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.text


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
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

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


class Report(models.Model):
    """One school's report for one campaign: the working copy the school edits.

    ``revision`` grows at every saved edit and is the optimistic lock: a save that names an
    older revision is refused. ``version`` counts submissions (immutable ``ReportVersion``s).
    ``state`` is only ever changed by ``reports.workflow``.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    organization = models.ForeignKey(
        Organization, verbose_name="学校", on_delete=models.PROTECT, related_name="reports"
    )
    state = models.CharField(
        "状态", max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    sections = models.JSONField("栏目内容", default=dict, blank=True)
    indicator_values = models.JSONField("指标数值", default=dict, blank=True)
    checklist_answers = models.JSONField("自查清单", default=dict, blank=True)
    revision = models.PositiveIntegerField("修订号", default=0)
    version = models.PositiveIntegerField("提交次数", default=0)
    is_late = models.BooleanField("逾期", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "自查报告"
        verbose_name_plural = "自查报告"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="one_report_per_campaign_and_unit"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.campaign}"

    @property
    def editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)

    def full_text(self) -> str:
        """The sections joined under their titles, in the campaign's order."""
        return join_sections(self.campaign.sections, self.sections)


def join_sections(template: list[dict[str, str]], texts: dict[str, str]) -> str:
    numerals = "一二三四五六七八九十"
    parts = []
    for index, section in enumerate(template):
        body = (texts.get(section["key"]) or "").strip()
        prefix = numerals[index] if index < len(numerals) else str(index + 1)
        parts.append(f"{prefix}、{section['title']}\n{body}")
    return "\n\n".join(parts)


class ReportVersion(models.Model):
    """An immutable snapshot made at every submission. Reviews and analyses attach here."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    sections = models.JSONField(default=dict)
    indicator_values = models.JSONField(default=dict)
    checklist_answers = models.JSONField(default=dict)
    rectification = models.JSONField(default=list)
    text = models.TextField("全文")
    is_late = models.BooleanField("逾期", default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · 第{self.number}版"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("提交的版本不可修改")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    import uuid

    return f"attachments/{instance.report.campaign_id}/{instance.report_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An optional file attached to a report; served only through a permission-checked view."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class RectificationItem(models.Model):
    """A problem found and its fix (整改事项). Open items follow the school into later campaigns."""

    organization = models.ForeignKey(
        Organization, verbose_name="学校", on_delete=models.PROTECT, related_name="rectifications"
    )
    report = models.ForeignKey(
        Report,
        verbose_name="提出于",
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    problem = models.TextField("问题")
    measure = models.TextField("整改措施", blank=True, default="")
    owner = models.CharField("责任人", max_length=60, blank=True, default="")
    due_date = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    checklist_code = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["status", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RectificationStatus.values),
                name="rectification_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.problem[:40]

    @property
    def is_open(self) -> bool:
        return self.status in (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS)


class AnalysisResult(models.Model):
    """The text analysis of one submitted version (``reports.analysis`` output + flags).

    ``flags`` is a small summary the queue filters and sorts on (copied share, counts of
    placeholders / residue / contradictions, off-topic, genre); ``result`` the full output.
    """

    version = models.OneToOneField(ReportVersion, on_delete=models.CASCADE, related_name="analysis")
    state = models.CharField(
        "状态", max_length=16, choices=AnalysisState.choices, default=AnalysisState.PENDING
    )
    analyzer_version = models.CharField(max_length=16, blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    risk = models.PositiveIntegerField("风险分", default=0, db_index=True)
    copied_share = models.FloatField("雷同比例", default=0)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "文本分析"
        verbose_name_plural = "文本分析"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AnalysisState.values), name="analysis_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_state_display()}"


class ReferenceText(models.Model):
    """范文库: known template texts (from 范文 websites, earlier years) to detect copying from."""

    title = models.CharField("标题", max_length=200)
    source = models.CharField("来源", max_length=300, blank=True, default="")
    text = models.TextField("全文")
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "范文"
        verbose_name_plural = "范文库"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CopyKey(models.Model):
    """One winnowed fingerprint of a submitted version or a reference text: the copy index.

    The index lives in the database so every worker answers the same. A row is the
    fingerprint ``key``, the school that wrote the text (``owner_id``; 0 for reference
    texts), the ``source`` (the version's id, or minus the reference text's id) and the
    offset ``pos`` of the fingerprinted gram in that text — and nothing else.

    On PostgreSQL the table has no primary-key constraint: its one full index is a **hash
    index on key** (migration 0008), which costs about half a B-tree's time per stored row
    and answers a lookup by key as fast, because the pipeline keeps at most
    ``copies.PER_KEY`` other schools' rows under a key. The composite primary key below is
    Django's view (and SQLite's table); nothing updates or deletes a single row. A version is
    indexed once (``IndexedVersion``). Versions never change, so their rows are never
    rewritten; the rows of a deleted version are skipped when its text is not found.
    """

    pk = models.CompositePrimaryKey("key", "owner_id", "source", "pos")
    key = models.BigIntegerField()
    owner_id = models.BigIntegerField()
    source = models.BigIntegerField()
    pos = models.IntegerField()

    class Meta:
        indexes = [
            # Only reference texts' rows enter it: they are rewritten when an admin edits one.
            models.Index(
                fields=["source"], condition=models.Q(source__lt=0), name="copy_key_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.source}:{self.pos}"


class IndexedVersion(models.Model):
    """A version whose fingerprints are in the copy index: written in the same transaction
    as its rows, so a retried task, a re-analysis or a second worker handed the same task
    does not store them twice."""

    version = models.OneToOneField(
        ReportVersion, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    #: the PostgreSQL transaction that stored the version's rows (``copyindex.UNSEEN``)
    claim_xid = models.BigIntegerField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"indexed version {self.version_id}"


class ReviewAction(models.Model):
    """A reviewer's act on one version: open, approve, return (with comments), reopen."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="review_actions")
    version = models.ForeignKey(
        ReportVersion, on_delete=models.CASCADE, related_name="review_actions"
    )
    kind = models.CharField("操作", max_length=16, choices=ReviewKind.choices)
    comment = models.TextField("意见", blank=True, default="")
    section_comments = models.JSONField("分栏意见", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()}"


class Notification(models.Model):
    """In-app notification (and the record of an e-mail sent for it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class ReminderSent(models.Model):
    """A deadline reminder already sent, so the same reminder is never sent twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    kind = models.CharField(max_length=16)  # "3d" or "1d"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "kind"], name="one_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organization_id}/{self.kind}"


class ExportJob(models.Model):
    """An export asked for by a user, built in the background, downloadable until it expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=ExportKind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        "状态", max_length=16, choices=ExportState.choices, default=ExportState.PENDING
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=255)
    filename = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.campaign}"


class ImportJob(models.Model):
    """An org/account import too large for one request, run by a worker with progress.

    ``sheet`` holds the uploaded file (it may carry 初始密码 in clear) only until the job
    ends; ``result`` holds the counts, the row errors and the generated passwords, which
    are shown to the requester alone and dropped when they confirm they saved them.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=16, choices=ImportState.choices, default=ImportState.PENDING
    )
    filename = models.CharField(max_length=200, blank=True, default="")
    sheet = models.BinaryField(default=b"", editable=False)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="importjob_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"导入 {self.filename}"
