"""Checklist coverage: which checklist topics (docs/architecture.md, "Checklist") the prose
mentions.

Decision: the codes reported depend on the campaign topic —

* ``shuangjian`` (student burden): homework, after_school, phone, sleep, reading, physical,
  off_campus_training, exams;
* ``teacher``: inspections, forms, social_tasks, apps, secondment, documents_meetings,
  evidence, surveys;
* ``grassroots``: documents_meetings, inspections, forms, apps, evidence, responsibility.

Unknown topics get every code.  Matching is keyword based and tolerant of the synonym-spun
texts (``号码管理``/``移动设备`` for 手机, ``操纵`` for 控制 does not matter here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CHECKLIST", "ChecklistItem", "TOPIC_CODES", "check_coverage"]

CHECKLIST: dict[str, tuple[str, str]] = {
    "homework": ("作业管理", r"作业"),
    "after_school": ("课后服务", r"课后服务|课后延时|延时服务|课后托管|托管服务|课后看护|5\+2"),
    "phone": ("手机管理", r"手机|号码管理|移动设备|移动终端|智能终端|电子产品"),
    "sleep": ("睡眠管理", r"睡眠|就寝|作息时间"),
    "reading": ("读物管理", r"读物|课外书|图书角|阅读材料|教辅|书籍"),
    "physical": ("体质管理", r"体质|体育|锻炼|大课间|阳光体育|一小时|近视|课间操"),
    "off_campus_training": ("校外培训", r"校外培训|培训机构|有偿补课|校外学科类|补习"),
    "exams": ("考试管理", r"考试|排名|排名次|成绩公布|分数"),
    "inspections": ("督查检查考核", r"督查|检查评比|检查考核|督导检查|考核评比|评比|迎检"),
    "forms": ("报表填报", r"报表|填表|表格|统计|数据报送|数据上报|填报"),
    "social_tasks": ("社会事务进校园", r"社会事务|进校园|摊派|与教育教学无关"),
    "apps": ("工作群与政务APP", r"(?i:app)|工作群|政务应用|下载安装|公众号|点赞|投票|微信群"),
    "secondment": ("抽调借用教师", r"抽调|借用|借调"),
    "documents_meetings": ("精文减会", r"文件|发文|会议|精文减会|文山会海|开会"),
    "evidence": ("留痕与佐证材料", r"留痕|佐证材料|截图|台账|痕迹"),
    "surveys": ("调研与问卷", r"调研|问卷|调查"),
    "responsibility": ("责任状与一票否决", r"责任状|一票否决|问责"),
}
TOPIC_CODES: dict[str, tuple[str, ...]] = {
    "shuangjian": (
        "homework",
        "after_school",
        "phone",
        "sleep",
        "reading",
        "physical",
        "off_campus_training",
        "exams",
    ),
    "teacher": (
        "inspections",
        "forms",
        "social_tasks",
        "apps",
        "secondment",
        "documents_meetings",
        "evidence",
        "surveys",
    ),
    "grassroots": (
        "documents_meetings",
        "inspections",
        "forms",
        "apps",
        "evidence",
        "responsibility",
    ),
}
_RES = {code: re.compile(pat) for code, (_label, pat) in CHECKLIST.items()}


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """Whether a checklist topic is mentioned anywhere in the text."""

    code: str
    label: str
    mentioned: bool


def check_coverage(folded: str, topic: str) -> list[ChecklistItem]:
    """Checklist items for ``topic`` (see module docstring) and whether each is mentioned."""
    codes = TOPIC_CODES.get(topic, tuple(CHECKLIST))
    return [
        ChecklistItem(code, CHECKLIST[code][0], _RES[code].search(folded) is not None)
        for code in codes
    ]
