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
