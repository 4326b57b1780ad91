"""Every enumeration of the domain, in one module."""

from django.db import models


class OrgKind(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县（区）级"
    DISTRICT = "district", "学区/镇"
    SCHOOL = "school", "学校"


class SchoolType(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    NINE_YEAR = "nine_year", "九年一贯制"
    SENIOR = "senior", "高中"
    COMPLETE = "complete", "完全中学"


class Role(models.TextChoices):
    SUBMITTER = "submitter", "填报员"
    REVIEWER = "reviewer", "审核员"
    SUPERVISOR = "supervisor", "上级查看"
    ADMIN = "admin", "管理员"
    AUDITOR = "auditor", "审计员"


class Topic(models.TextChoices):
    """A campaign's topic preset; the analysis scores relevance against it."""

    SHUANGJIAN = "shuangjian", "学生减负（双减）"
    TEACHER = "teacher", "教师减负"
    GRASSROOTS = "grassroots", "基层减负"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "未发布"
    PUBLISHED = "published", "填报中"
    CLOSED = "closed", "已关闭"


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    UNDER_REVIEW = "under_review", "审核中"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已通过"


class Answer(models.TextChoices):
    DONE = "done", "已落实"
    PARTIAL = "partial", "部分落实"
    NOT_DONE = "not_done", "未落实"
    NOT_APPLICABLE = "na", "不适用"


class RectificationStatus(models.TextChoices):
    OPEN = "open", "未整改"
    IN_PROGRESS = "in_progress", "整改中"
    DONE = "done", "已整改"
    VERIFIED = "verified", "已核实"


class RectificationEventKind(models.TextChoices):
    """One entry of a rectification item's history (``RectificationEvent``)."""

    CREATED = "created", "登记"
    UPDATED = "updated", "更新"
    VERIFIED = "verified", "核实"
    SENT_BACK = "sent_back", "退回整改"


class IndicatorGroup(models.TextChoices):
    STUDENT = "student", "学生减负与五项管理"
    TEACHER = "teacher", "教师与基层减负"
    OFF_CAMPUS = "off_campus", "校外培训治理"


class ChecklistTopic(models.TextChoices):
    HOMEWORK = "homework", "作业管理"
    AFTER_SCHOOL = "after_school", "课后服务"
    FIVE = "five_managements", "五项管理"
    TEACHER = "teacher_burden", "教师减负"
    GRASSROOTS = "grassroots", "基层减负"


class AnalysisState(models.TextChoices):
    PENDING = "pending", "等待分析"
    RUNNING = "running", "分析中"
    DONE = "done", "已完成"
    FAILED = "failed", "分析失败"


class ReviewKind(models.TextChoices):
    OPEN = "open", "开始审核"
    APPROVE = "approve", "通过"
    RETURN = "return", "退回修改"
    REOPEN = "reopen", "重新打开"


class ExportKind(models.TextChoices):
    XLSX = "xlsx", "Excel 汇总表"
    CSV = "csv", "CSV 明细"
    DOCX = "docx", "Word 汇总报告"
    BUNDLE = "bundle", "报告打包（ZIP）"


class ExportState(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ImportState(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "未导入"


class AuditResult(models.TextChoices):
    """Whether the audited attempt succeeded (a failed login, a refused action)."""

    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
