"""Demo data for ``make run`` and the browser tests. Idempotent: keyed by codes and usernames.

The names are invented; no text here comes from the sample corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from reports import catalogue
from reports.choices import CampaignStatus, OrgKind, ReportState, Role, SchoolType
from reports.models import (
    Campaign,
    ChecklistItemDefinition,
    IndicatorDefinition,
    Membership,
    Organization,
    Report,
    ReviewAction,
    User,
)
from reports.services.reports import campaign_close, campaign_publish, report_save_draft
from reports.workflow import report_approve, report_open_review, report_return, report_submit

DEMO_PASSWORD = "jianfu2026"  # noqa: S105 - documented demo password


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str
    note: str


PROVINCE = ("4300000000", "江南省教育厅")
CITIES = [("4301000000", "清河市教育局"), ("4302000000", "云岭市教育局")]
COUNTIES = [
    ("4301010000", "青山县教育局", "4301000000"),
    ("4301020000", "白水县教育局", "4301000000"),
    ("4302010000", "松林区教育局", "4302000000"),
]
DISTRICTS = [("4301010100", "青山县城关学区", "4301010000")]

# (suffix name, school type, boarding)
SCHOOL_PATTERNS = [
    ("第一小学", SchoolType.PRIMARY, False),
    ("实验中学", SchoolType.JUNIOR, False),
    ("第二小学", SchoolType.PRIMARY, False),
    ("第三小学", SchoolType.PRIMARY, False),
    ("第一中学", SchoolType.COMPLETE, True),
    ("第二中学", SchoolType.JUNIOR, True),
    ("育才学校", SchoolType.NINE_YEAR, True),
    ("高级中学", SchoolType.SENIOR, True),
]
TOWNS = ["城关镇", "河口镇", "石桥乡", "柳湾镇"]

ACCOUNTS = [
    DemoAccount("demo-admin", "省厅管理员", Role.ADMIN, PROVINCE[0], "省级管理员"),
    DemoAccount(
        "demo-auditor", "省厅审计员", Role.AUDITOR, PROVINCE[0], "省级审计员（只看审计日志）"
    ),
    DemoAccount("demo-city", "清河市督导", Role.SUPERVISOR, CITIES[0][0], "市级上级查看"),
    DemoAccount("demo-reviewer", "青山县审核员", Role.REVIEWER, COUNTIES[0][0], "县级审核员"),
    DemoAccount("demo-school", "一小填报员", Role.SUBMITTER, "4301011001", "学校填报员"),
    DemoAccount("demo-school2", "实验中学填报员", Role.SUBMITTER, "4301011002", "学校填报员"),
]


def _county_schools(county_code: str, county_name: str) -> list[tuple[str, str, str, bool]]:
    """Schools of one county: the county-seat patterns plus town schools (24 per county)."""
    prefix = county_name.removesuffix("教育局")
    schools = []
    for index, (suffix, school_type, boarding) in enumerate(SCHOOL_PATTERNS, start=1):
        schools.append(
            (f"{county_code[:6]}1{index:03d}", f"{prefix}{suffix}", school_type, boarding)
        )
    number = len(SCHOOL_PATTERNS)
    for town in TOWNS:
        for suffix, school_type, boarding in (
            ("中心小学", SchoolType.PRIMARY, False),
            ("中学", SchoolType.JUNIOR, True),
            ("小学", SchoolType.PRIMARY, False),
            ("九年一贯制学校", SchoolType.NINE_YEAR, True),
        ):
            number += 1
            name = f"{prefix}{town}{suffix}"
            schools.append((f"{county_code[:6]}1{number:03d}", name, school_type, boarding))
    return schools


def _unit(code: str, name: str, kind: str, parent: Organization | None, **extra) -> Organization:
    unit = Organization.objects.filter(code=code).first() or Organization(code=code)
    unit.name, unit.kind, unit.parent = name, kind, parent
    unit.school_type = extra.get("school_type", "")
    unit.boarding = extra.get("boarding", False)
    unit.save()
    return unit


@transaction.atomic
def seed_orgs() -> dict[str, Organization]:
    units: dict[str, Organization] = {}
    province = _unit(*PROVINCE, OrgKind.PROVINCE, None)
    units[province.code] = province
    for code, name in CITIES:
        units[code] = _unit(code, name, OrgKind.CITY, province)
    for code, name, parent in COUNTIES:
        units[code] = _unit(code, name, OrgKind.COUNTY, units[parent])
    for code, name, parent in DISTRICTS:
        units[code] = _unit(code, name, OrgKind.DISTRICT, units[parent])
    for county_code, county_name, _ in COUNTIES:
        for code, name, school_type, boarding in _county_schools(county_code, county_name):
            # Town schools of the first county sit under a 学区 level, as in many real counties.
            parent = units[county_code]
            if county_code == COUNTIES[0][0] and "城关镇" in name:
                parent = units[DISTRICTS[0][0]]
            units[code] = _unit(
                code, name, OrgKind.SCHOOL, parent, school_type=school_type, boarding=boarding
            )
    return units


@transaction.atomic
def seed_accounts() -> list[DemoAccount]:
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first() or User(
            username=account.username
        )
        user.first_name = account.full_name
        user.must_change_password = False
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user,
            defaults={
                "organization": Organization.objects.get(code=account.unit_code),
                "role": account.role,
            },
        )
    return ACCOUNTS


def seed() -> dict[str, int]:
    # Normally loaded by migration 0003; re-applied so a flushed database still has them.
    catalogue.load(IndicatorDefinition, ChecklistItemDefinition)
    units = seed_orgs()
    seed_accounts()
    reports = seed_campaigns()
    reviews = seed_reviews()
    return {"units": len(units), "accounts": len(ACCOUNTS), **reports, **reviews}


# ---------------------------------------------------------------- campaigns and reports

CAMPAIGN_TITLE = "青山县2025—2026学年第一学期落实“双减”工作自查"
PREVIOUS_TITLE = "青山县2024—2025学年第二学期落实“双减”工作自查"
DEMO_INDICATORS = [
    "homework_grade12",
    "homework_grade36",
    "homework_junior",
    "enrolment",
    "after_school_days",
    "after_school_students",
    "after_school_rate",
    "pe_minutes",
    "phones_managed",
]
DEMO_CHECKLIST = [
    "hw_no_grade12",
    "hw_no_punishment",
    "hw_no_parent_grading",
    "hw_published",
    "as_every_day",
    "as_voluntary",
    "as_no_new_content",
    "five_phone",
    "five_sleep",
    "five_physical",
]

_MEASURES = [
    "学校成立了由校长任组长的“双减”工作领导小组，制定作业管理、课后服务等{n}项制度。",
    "各年级建立作业公示制度，教研组每周集体研讨作业设计，推行分层作业和实践性作业。",
    "课后服务每周开展{days}天，开设书法、篮球、科学实验等{clubs}个社团，学生自愿报名参加。",
    "落实每天校内体育活动不少于{pe}分钟，大课间跑操和体育课相结合。",
    "学生手机实行家长书面申请、校内统一保管，课堂上不使用手机。",
    "通过家长会、家访和致家长一封信宣传“双减”政策，引导家长树立科学育儿观念。",
]
_PROBLEMS = [
    "个别教师作业设计能力不足，分层作业质量参差不齐。",
    "课后服务师资紧张，艺术类、科技类课程开设不够丰富。",
    "部分家长仍存在焦虑情绪，课外自行给孩子增加练习。",
    "学校场地有限，雨天体育活动难以保证时长。",
]
_NEXT = [
    "加强作业设计培训，每学期开展一次作业设计评比，提高作业质量。",
    "引进校外优质资源，拓展课后服务课程，满足学生多样化需求。",
    "加强家校沟通，定期召开家长座谈会，缓解家长焦虑。",
    "统筹安排室内体育活动，确保学生每天锻炼时间。",
]


_WHO = ["学校", "我校", "校领导班子", "教导处", "各年级组", "班主任队伍", "教研组", "德育处"]
_HOW = [
    "认真梳理",
    "持续完善",
    "细化落实",
    "统筹推进",
    "定期检查",
    "逐项对照",
    "重新修订",
    "专题研究",
]
_WHAT = [
    "作业公示制度",
    "课后服务课程安排",
    "体育大课间方案",
    "手机统一保管办法",
    "学生睡眠管理要求",
    "课外读物审核流程",
    "家校沟通机制",
    "分层作业设计",
    "考试次数和成绩管理",
    "教师课后服务轮值表",
]
_EFFECT = [
    "，效果明显。",
    "，家长反映良好。",
    "，学生课业负担有所减轻。",
    "，逐步形成了长效机制。",
    "，每月在全校通报一次。",
    "，纳入了教师年度考核。",
    "，并在家长会上作了说明。",
]


_P = (
    ["部分教师", "个别班级", "少数家长", "低年级", "毕业年级", "个别学科"],
    [
        "作业设计能力不足",
        "课后服务课程单一",
        "仍有焦虑情绪",
        "作业总量偶有超标",
        "体育活动时间难以保证",
    ],
    ["，在期中前后较为突出。", "，需要持续关注。", "，比上学期有所改善。", "，尚未完全解决。"],
)
_N = (
    ["下一步将", "学校计划", "本学期内将", "我们将", "教导处将"],
    [
        "加强作业设计培训",
        "引进校外优质资源",
        "定期召开家长座谈会",
        "统筹安排室内体育活动",
        "调整课后服务课程",
    ],
    ["，确保取得实效。", "，每月检查一次。", "，由分管副校长负责。", "，争取年底前完成。"],
)


def _combine(rng, parts: tuple[list[str], ...]) -> str:
    return "".join(rng.choice(part) for part in parts)


def _own_sentence(rng) -> str:
    """A sentence in the school's own words (combinatorial, so schools rarely coincide)."""
    return rng.choice(_WHO) + rng.choice(_HOW) + rng.choice(_WHAT) + rng.choice(_EFFECT)


def _demo_report_content(campaign, school, seed: int) -> dict:
    """A plausible, generated report for one school (no corpus text)."""
    import random

    rng = random.Random(seed)
    enrolment = rng.randrange(300, 2400, 10)
    students = int(enrolment * rng.uniform(0.8, 0.98))
    values = {
        "enrolment": enrolment,
        "after_school_days": 5,
        "after_school_students": students,
        "pe_minutes": rng.choice([60, 60, 70, 90]),
        "phones_managed": True,
    }
    if school.school_type in ("primary", "nine_year"):
        values.update(homework_grade12=0, homework_grade36=rng.choice([40, 45, 50, 60]))
    if school.school_type in ("junior", "nine_year", "complete"):
        values["homework_junior"] = rng.choice([60, 75, 80, 90])
    fill = {
        "n": rng.randint(5, 12),
        "days": 5,
        "clubs": rng.randint(8, 30),
        "pe": values["pe_minutes"],
    }
    if seed % 4 == 0:
        # Every fourth school pastes the county's template paragraphs: the copy detection's case.
        measures = [m.format(**fill) for m in rng.sample(_MEASURES, 4)]
    else:
        measures = [_own_sentence(rng) for _ in range(rng.randint(6, 9))]
    extra = ""
    if seed % 5 == 2:  # an unfilled template: the placeholder detection's case
        extra = "学校共开设xx个社团，课后服务参与率*.*%。"
    elif seed % 5 == 3:  # prose that contradicts the form: the numbers check's case
        extra = f"全校在校学生{enrolment}人，参加课后服务学生{students - 80}人。"
    achievements = "".join(measures) + extra + f"参与率{students / enrolment * 100:.1f}%。"
    if seed % 4 == 0:
        problems, next_steps = "".join(rng.sample(_PROBLEMS, 2)), "".join(rng.sample(_NEXT, 2))
    else:
        problems = "".join(_combine(rng, _P) for _ in range(2))
        next_steps = "".join(_combine(rng, _N) for _ in range(2))
    answers = {code: {"answer": "done", "note": ""} for code in DEMO_CHECKLIST}
    if seed % 3 == 0:
        answers["as_no_new_content"] = {"answer": "partial", "note": "个别班级课后服务时间讲评试卷"}
    return {
        "sections": {
            "achievements": achievements,
            "problems": problems,
            "next_steps": next_steps,
        },
        "indicator_values": {k: v for k, v in values.items()},
        "checklist_answers": answers,
    }


def _school_submitter(school: Organization) -> User:
    """Every seeded school with a report gets its own 填报员, as real schools have."""
    username = f"school-{school.code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=f"{school.name}填报员")
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.update_or_create(
        user=user, defaults={"organization": school, "role": Role.SUBMITTER}
    )
    return user


def _campaign(title: str, period: str, opens_at, deadline, issuer, status: str):
    campaign = Campaign.objects.filter(title=title, target_unit=issuer).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            title=title,
            period=period,
            notice=(
                "各学校：为深入落实“双减”工作要求，现组织开展本学期自查。请各校对照自查清单"
                "逐项自查，如实填写主要指标，按时提交自查报告。已在系统中的学校信息和上一期"
                "数据无需重复填报。"
            ),
            topic="shuangjian",
            issuer=issuer,
            target_unit=issuer,
            opens_at=opens_at,
            deadline=deadline,
            status="draft",
        )
        campaign.indicators.set(IndicatorDefinition.objects.filter(code__in=DEMO_INDICATORS))
        campaign.checklist_items.set(
            ChecklistItemDefinition.objects.filter(code__in=DEMO_CHECKLIST)
        )
    return campaign


def seed_campaigns() -> dict[str, int]:
    """One closed earlier campaign and one open campaign for 青山县, with reports."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate()
    county = Organization.objects.get(code=COUNTIES[0][0])
    admin = User.objects.get(username="demo-admin")

    def at(day_offset: int, hour: int):
        return datetime.combine(today + timedelta(days=day_offset), time(hour), tzinfo=tz)

    previous = _campaign(
        PREVIOUS_TITLE, "2024—2025学年第二学期", at(-200, 8), at(-180, 17), county, "draft"
    )
    current = _campaign(
        CAMPAIGN_TITLE, "2025—2026学年第一学期", at(-7, 8), at(10, 17), county, "draft"
    )
    submitted = 0
    schools = list(
        Organization.objects.filter(path__startswith=county.path, kind="school").order_by("code")
    )
    for campaign, count in ((previous, len(schools)), (current, 10)):
        if campaign.status == CampaignStatus.DRAFT:
            # Publishing before the deadline; the earlier campaign is back-dated by moving
            # its window around the submissions, then closed.
            real_open, real_deadline = campaign.opens_at, campaign.deadline
            if campaign is previous:
                campaign.opens_at, campaign.deadline = at(-1, 8), at(30, 17)
                campaign.save(update_fields=["opens_at", "deadline"])
            campaign_publish(campaign=campaign, actor=admin)
            for index, school in enumerate(schools[:count]):
                if campaign is current and school.code in ("4301011001", "4301011002"):
                    continue  # the demo accounts' schools fill their own
                report = Report.objects.get(campaign=campaign, organization=school)
                if report.state != ReportState.DRAFT:
                    continue
                user = _school_submitter(school)
                content = _demo_report_content(campaign, school, seed=index + campaign.pk * 100)
                report_save_draft(
                    report_id=report.pk, actor=user, revision=report.revision, **content
                )
                report_submit(report_id=report.pk, actor=user)
                submitted += 1
            if campaign is previous:
                campaign.opens_at, campaign.deadline = real_open, real_deadline
                campaign.save(update_fields=["opens_at", "deadline"])
                campaign_close(campaign=campaign, actor=admin)
    # demo-school has a started draft in the open campaign.
    school = Organization.objects.get(code="4301011001")
    draft = Report.objects.get(campaign=current, organization=school)
    if draft.revision == 0:
        user = User.objects.get(username="demo-school")
        report_save_draft(
            report_id=draft.pk,
            actor=user,
            revision=0,
            sections={
                "achievements": "本学期学校继续落实“双减”要求，完善作业公示制度。",
                "problems": "",
                "next_steps": "",
            },
        )
    return {"submitted": submitted}


# ---------------------------------------------------------------- reviews

DEMO_RETURN_COMMENT = "请补充课后服务参与情况的具体数据，并把存在的问题写具体。"
DEMO_SECTION_COMMENT = "存在的问题写得较笼统，请结合本校实际写明涉及的年级和学科。"


def seed_reviews() -> dict[str, int]:
    """demo-reviewer's queue: one report approved, one returned with a section comment, the
    rest left submitted. Idempotent: does nothing once any review action exists."""
    if ReviewAction.objects.exists():
        return {"reviewed": 0}
    reviewer = User.objects.get(username="demo-reviewer")
    campaign = Campaign.objects.filter(
        title=CAMPAIGN_TITLE, target_unit__code=COUNTIES[0][0]
    ).first()
    if campaign is None:
        return {"reviewed": 0}
    reports = list(
        Report.objects.filter(campaign=campaign, state="submitted").order_by("organization__code")[
            :2
        ]
    )
    if len(reports) < 2:
        return {"reviewed": 0}
    approved, returned = reports
    report_open_review(report_id=approved.pk, reviewer=reviewer)
    report_approve(
        report_id=approved.pk,
        reviewer=reviewer,
        version_number=approved.version,
        comment="内容翔实，数据完整。",
    )
    report_open_review(report_id=returned.pk, reviewer=reviewer)
    report_return(
        report_id=returned.pk,
        reviewer=reviewer,
        version_number=returned.version,
        comment=DEMO_RETURN_COMMENT,
        section_comments={"problems": DEMO_SECTION_COMMENT},
    )
    return {"reviewed": 2}
