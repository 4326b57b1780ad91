"""Which indicators and checklist items a task's topic asks by default.

Decision: 学生减负（双减） asks the student and off-campus indicators and the homework, after-school
and 五项管理 checklist; 教师减负 the teacher-burden indicators and checklist; 基层减负 the same
indicators (发文、会议、督查检查 are counted there) with the grassroots and teacher checklist.
The bureau may still tick or untick any item: the topic only preselects.
"""

from __future__ import annotations

from reports.choices import ChecklistTopic, IndicatorGroup, Topic

INDICATOR_GROUPS: dict[str, tuple[str, ...]] = {
    Topic.SHUANGJIAN: (IndicatorGroup.STUDENT, IndicatorGroup.OFF_CAMPUS),
    Topic.TEACHER: (IndicatorGroup.TEACHER,),
    Topic.GRASSROOTS: (IndicatorGroup.TEACHER,),
}

CHECKLIST_TOPICS: dict[str, tuple[str, ...]] = {
    Topic.SHUANGJIAN: (ChecklistTopic.HOMEWORK, ChecklistTopic.AFTER_SCHOOL, ChecklistTopic.FIVE),
    Topic.TEACHER: (ChecklistTopic.TEACHER,),
    Topic.GRASSROOTS: (ChecklistTopic.GRASSROOTS, ChecklistTopic.TEACHER),
}


def topics_for_indicator_group(group: str) -> list[str]:
    return [str(topic) for topic, groups in INDICATOR_GROUPS.items() if group in groups]


def topics_for_checklist_topic(checklist_topic: str) -> list[str]:
    return [str(t) for t, topics in CHECKLIST_TOPICS.items() if checklist_topic in topics]
