"""The indicator and checklist catalogues (docs/architecture.md, "Indicators" and
"Checklist"), loaded by a data migration.

Kept as plain data so the migration, the tests and the admin agree. Loading is keyed by
code (update_or_create), so an edited catalogue can be re-applied. Decisions:
- a value the system can compute is not asked: change rates (documents, meetings,
  inspections against last year / the baseline) and the after-school participation rate
  are computed from their counts (the rate may still be typed; then it must match);
- times of day are stored as "HH:MM" (kind ``time``), yes/no answers as booleans;
- checklist items follow the school's type like indicators (``SCOPES``: 学段 and 寄宿, one
  rule, ``reports.models.campaigns.applies_to_school``): a 初中 is never asked about
  小学一二年级, a day school never about boarders' lights-out.
"""

from __future__ import annotations

PRIMARY, JUNIOR, NINE, SENIOR, COMPLETE = "primary", "junior", "nine_year", "senior", "complete"

# code, label, unit, group, kind, min, max, school_types, policy_min, policy_max, note
# fmt: off
INDICATORS: list[tuple] = [
    ("homework_grade12", "一二年级书面作业时间", "分钟/天", "student", "number", 0, 300,
     [PRIMARY, NINE], None, 0, "一二年级不布置家庭书面作业"),
    ("homework_grade36", "三至六年级书面作业平均完成时间", "分钟/天", "student", "number", 0, 300,
     [PRIMARY, NINE], None, 60, "不超过60分钟"),
    ("homework_junior", "初中书面作业平均完成时间", "分钟/天", "student", "number", 0, 300,
     [JUNIOR, NINE, COMPLETE], None, 90, "不超过90分钟"),
    ("enrolment", "在校学生数", "人", "student", "number", 0, 20000, [], None, None, ""),
    ("after_school_days", "课后服务每周开展天数", "天", "student", "number", 0, 7,
     [PRIMARY, JUNIOR, NINE, COMPLETE], 5, None, "每周5天全覆盖（5+2）"),
    ("after_school_end", "课后服务结束时间", "", "student", "time", None, None,
     [PRIMARY, JUNIOR, NINE, COMPLETE], None, None, "原则上不早于当地正常下班时间"),
    ("after_school_students", "参加课后服务学生数", "人", "student", "number", 0, 20000,
     [PRIMARY, JUNIOR, NINE, COMPLETE], None, None, ""),
    ("after_school_rate", "课后服务学生参与率", "%", "student", "number", 0, 100,
     [PRIMARY, JUNIOR, NINE, COMPLETE], None, None, "可不填，由学生数自动计算"),
    ("after_school_teachers", "参与课后服务教师数", "人", "student", "number", 0, 2000,
     [PRIMARY, JUNIOR, NINE, COMPLETE], None, None, ""),
    ("after_school_clubs", "开设社团/兴趣小组数", "个", "student", "number", 0, 500,
     [PRIMARY, JUNIOR, NINE, COMPLETE], None, None, ""),
    ("pe_minutes", "学生每天校内体育活动时间", "分钟", "student", "number", 0, 600, [], 60, None,
     "不少于1小时"),
    ("pe_lessons", "每周体育课节数", "节", "student", "number", 0, 20, [], None, None, ""),
    ("class_start", "上午第一节课开始时间", "", "student", "time", None, None, [], None, None,
     "小学不早于8:20，初中不早于8:00"),
    ("lights_out", "寄宿生熄灯时间", "", "student", "time", None, None, [], None, None,
     "保障睡眠时间"),
    ("phones_managed", "学生手机在校统一管理", "", "student", "yesno", None, None, [], None, None,
     "应为“是”"),
    ("exams_per_term", "每学期统一考试次数", "次", "student", "number", 0, 20, [], None, None,
     "小学一二年级不进行纸笔考试"),
    ("ranking_published", "公布考试成绩和排名", "", "student", "yesno", None, None, [], None,
     None, "应为“否”"),
    ("parent_respondents", "家长问卷参与人数", "人", "student", "number", 0, 50000, [], None,
     None, ""),
    ("parent_satisfied_rate", "家长满意率", "%", "student", "number", 0, 100, [], None, None, ""),
    ("docs_this_year", "本年度发文数", "件", "teacher", "number", 0, 10000, [], None, None, ""),
    ("docs_last_year", "上年度发文数", "件", "teacher", "number", 0, 10000, [], None, None, ""),
    ("meetings_this_year", "本年度召开会议数", "次", "teacher", "number", 0, 10000, [], None,
     None, ""),
    ("meetings_last_year", "上年度召开会议数", "次", "teacher", "number", 0, 10000, [], None,
     None, ""),
    ("inspections_this_year", "本年度接受督查检查评比考核次数", "次", "teacher", "number", 0, 1000,
     [], None, None, "较基数压减50%以上"),
    ("inspections_baseline", "督查检查评比考核基数", "次", "teacher", "number", 0, 1000, [], None,
     None, ""),
    ("forms_filled", "要求教师填报的表格数", "份", "teacher", "number", 0, 10000, [], None, None,
     ""),
    ("duplicate_reports_removed", "取消重复报表数", "份", "teacher", "number", 0, 10000, [], None,
     None, ""),
    ("social_tasks", "进校园的社会事务数", "项", "teacher", "number", 0, 1000, [], None, None,
     "未经审批的一律不得进校园"),
    ("teachers_seconded", "被抽调借用教师人数", "人", "teacher", "number", 0, 1000, [], None,
     None, ""),
    ("work_groups", "教师须加入的工作群数", "个", "teacher", "number", 0, 1000, [], None, None,
     ""),
    ("gov_apps", "要求教师使用的政务APP数", "个", "teacher", "number", 0, 1000, [], None, None, ""),
    ("institutions_closed", "关停校外培训机构数", "所", "off_campus", "number", 0, 100000, [],
     None, None, ""),
    ("institutions_licensed", "审批登记校外培训机构数", "所", "off_campus", "number", 0, 100000,
     [], None, None, ""),
    ("institutions_converted", "转型校外培训机构数", "所", "off_campus", "number", 0, 100000, [],
     None, None, ""),
    ("training_inspections", "开展校外培训检查次数", "次", "off_campus", "number", 0, 100000, [],
     None, None, ""),
    ("complaints_handled", "处理校外培训投诉数", "件", "off_campus", "number", 0, 100000, [],
     None, None, ""),
]
# fmt: on

# code, topic, text
CHECKLIST: list[tuple[str, str, str]] = [
    ("hw_no_grade12", "homework", "小学一二年级不布置家庭书面作业"),
    ("hw_no_punishment", "homework", "不布置惩罚性、重复性作业"),
    ("hw_no_phone", "homework", "不通过手机布置作业、不要求学生利用手机完成作业"),
    ("hw_no_parent_grading", "homework", "不要求家长批改作业"),
    ("hw_layered", "homework", "实行分层、弹性和个性化作业"),
    ("hw_published", "homework", "每日作业公示，统筹控制总量"),
    ("as_every_day", "after_school", "课后服务覆盖每个工作日（5+2）"),
    ("as_voluntary", "after_school", "学生自愿参加，家长书面申请"),
    ("as_fee", "after_school", "免费或按核定标准收费"),
    ("as_no_new_content", "after_school", "课后服务不集体补课、不讲新课"),
    ("five_phone", "five_managements", "学生手机不带入课堂，统一管理"),
    ("five_sleep", "five_managements", "落实作息时间，保障学生睡眠"),
    ("five_reading", "five_managements", "进校园课外读物经过审核"),
    ("five_homework", "five_managements", "作业总量和时长得到控制"),
    ("five_physical", "five_managements", "保证学生每天校内外各1小时体育活动"),
    ("tb_plan_only", "teacher_burden", "督查检查考核只按年度计划开展（一事一报、清单管理）"),
    ("tb_no_trace", "teacher_burden", "不以留痕、截图代替实际工作评价"),
    ("tb_collect_once", "teacher_burden", "数据一次采集、多次使用，表格不重复填报"),
    ("tb_no_social_tasks", "teacher_burden", "无关社会事务不进校园"),
    ("tb_no_apps", "teacher_burden", "不强制教师下载APP、投票、点赞、关注"),
    ("tb_no_secondment", "teacher_burden", "未经审批不抽调借用教师"),
    ("tb_surveys", "teacher_burden", "调研须经审批，情况无变化不重复调研"),
    ("tb_no_evidence", "teacher_burden", "数据已共享的不再要求佐证材料，以书面承诺代替"),
    ("tb_cut_half", "teacher_burden", "督查检查事项压减50%以上，保留事项清单公开"),
    ("tb_hotline", "teacher_burden", "公布监督电话和意见箱"),
    ("gr_docs_meetings", "grassroots", "发文和会议较基数压减"),
    ("gr_no_pledges", "grassroots", "不向下层层签订责任状、不搞“一票否决”"),
]

_COMPULSORY_WITH_SERVICE = [PRIMARY, JUNIOR, NINE, COMPLETE]
# code → (school types, boarding only), for indicators and checklist items alike; a code not
# listed keeps the school types of its row (indicators) or applies to every unit (checklist).
SCOPES: dict[str, tuple[list[str], bool]] = {
    "lights_out": ([], True),
    "hw_no_grade12": ([PRIMARY, NINE], False),
    "as_every_day": (_COMPULSORY_WITH_SERVICE, False),
    "as_voluntary": (_COMPULSORY_WITH_SERVICE, False),
    "as_fee": (_COMPULSORY_WITH_SERVICE, False),
    "as_no_new_content": (_COMPULSORY_WITH_SERVICE, False),
}


def load(indicator_model, checklist_model) -> None:
    """Create or update every catalogue row with its school scope (demo data, tests)."""
    load_base(indicator_model, checklist_model)
    load_scopes(indicator_model, checklist_model)


def load_scopes(indicator_model, checklist_model) -> None:
    """Set 学段/寄宿 of the rows ``SCOPES`` names (migration 0012 and ``load``)."""
    for code, (types, boarding) in SCOPES.items():
        indicator_model.objects.filter(code=code).update(boarding_only=boarding)
        checklist_model.objects.filter(code=code).update(school_types=types, boarding_only=boarding)


def load_base(indicator_model, checklist_model) -> None:
    """The rows as migration 0003 created them (its historical models lack the scopes)."""
    for order, row in enumerate(INDICATORS):
        code, label, unit, group, kind, lo, hi, types, pmin, pmax, note = row
        indicator_model.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "unit": unit,
                "group": group,
                "kind": kind,
                "min_value": lo,
                "max_value": hi,
                "integer": unit not in ("%",),
                "school_types": types,
                "policy_min": pmin,
                "policy_max": pmax,
                "limit_note": note,
                "order": order,
            },
        )
    for order, (code, topic, text) in enumerate(CHECKLIST):
        checklist_model.objects.update_or_create(
            code=code, defaults={"topic": topic, "text": text, "order": order}
        )
