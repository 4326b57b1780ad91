"""The Word summary report (汇总报告) of a county or city for one campaign.

Structure, in the official style: title, an opening paragraph, then 一、总体情况 (progress and
timeliness), 二、主要指标 (a table against the policy limits and the previous campaign),
三、存在的主要问题 (the problems schools listed, grouped by topic with counts and examples),
四、需要关注的学校 (flagged, late, returned), 五、下一步工作建议.

As a 公文 (GB/T 9704): the task's 文号 above the title when the task has one, a 主送 line
(the task's setting, else — see ``recipient_of``), the author's name and the date (2026年6月4日)
under the text. The author is the task's issuing unit when the summary covers its whole area
(or more); a unit below the issuer summarising its own part is the author of that summary.
Quotations of problems come only from reports the analysis found on topic and not copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import F
from django.utils import timezone
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from reports.choices import ReportState
from reports.dashboards import queries
from reports.dashboards.exports.docx_style import (
    HEADING_STYLE,
    SUBHEADING_STYLE,
    TITLE_STYLE,
    add_table,
    official_document,
)
from reports.dashboards.exports.wording import (
    cn_date,
    cn_datetime,
    cn_day_range,
    join_title,
    quoted,
)
from reports.models import Campaign, Organization, ReportVersion, User

HEADINGS = [
    "一、总体情况",
    "二、主要指标",
    "三、存在的主要问题",
    "四、需要关注的学校",
    "五、下一步工作建议",
]
INDICATOR_WIDTHS = [4.2, 1.2, 1.3, 1.2, 1.2, 2.3, 1.2, 1.3, 1.7]  # cm, 15.6 in all
INDICATOR_HEADERS = [
    "指标",
    "填报学校数",
    "平均值",
    "最小值",
    "最大值",
    "政策要求",
    "未达要求",
    "上期平均",
    "变化",
]
# Topic groups of the problems schools list; a problem goes to the first group it matches.
PROBLEM_TOPICS: list[tuple[str, tuple[str, ...]]] = [
    ("作业", ("作业",)),
    ("课后服务", ("课后服务", "社团", "托管", "延时服务")),
    ("师资", ("师资", "教师", "老师", "编制", "培训")),
    ("家长", ("家长", "家庭", "焦虑", "家校")),
    ("体育", ("体育", "锻炼", "运动", "场地", "体质", "体能")),
    ("其他", ()),
]
SUGGESTIONS = {
    "作业": "加强作业设计与管理研究，推广分层作业、弹性作业，严格落实作业公示和总量控制。",
    "课后服务": "拓展课后服务资源，引入校外优质资源和志愿者，丰富课程供给，提高服务质量。",
    "师资": "统筹调配教师力量，合理安排弹性上下班，切实减轻教师非教学负担。",
    "家长": "加强家校沟通和政策宣传，引导家长树立科学教育观念，缓解教育焦虑。",
    "体育": "统筹场地和时间，保障学生每天校内外各1小时体育活动。",
    "其他": "对其他问题逐校梳理，建立问题清单，明确责任和时限。",
}
ORDINALS = "一二三四五六七八九十"
ITEM_SPLIT = re.compile(r"[。；;！!\n]+")
ITEM_PREFIX = re.compile(
    r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）、.．]|[一二三四五六七八九十]是)\s*"
)


@dataclass
class TopicGroup:
    name: str
    schools: set[str] = field(default_factory=set)
    items: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Problems:
    groups: list[TopicGroup]
    left_out: int  # reports not quoted: off topic or copied


def problem_items(text: str) -> list[str]:
    items = []
    for part in ITEM_SPLIT.split(text or ""):
        part = ITEM_PREFIX.sub("", part).strip(" ，,、")
        if len(part) >= 4:
            items.append(part)
    return items


def topic_of(item: str) -> str:
    for name, words in PROBLEM_TOPICS:
        if any(word in item for word in words):
            return name
    return "其他"


def group_problems(campaign: Campaign, unit: Organization, user: User | None) -> Problems:
    """The problems section of each report's current version, grouped by topic; a version
    the analysis found off topic or copied is left out (neither counted nor quoted)."""
    reports = queries.scoped_reports(campaign, unit, user).filter(version__gt=0)
    versions = (
        ReportVersion.objects.filter(report__in=reports, number=F("report__version"))
        .order_by("report__organization__path")
        .values_list("report__organization__name", "sections", "analysis__flags")
    )
    groups = {name: TopicGroup(name) for name, _ in PROBLEM_TOPICS}
    left_out = 0
    for school, sections, flags in versions.iterator(chunk_size=500):
        if _unreliable(flags or {}):
            left_out += 1
            continue
        for item in problem_items((sections or {}).get("problems", "")):
            group = groups[topic_of(item)]
            group.items += 1
            group.schools.add(school)
            if len(group.examples) < 2 and all(item != e for e, _ in group.examples):
                group.examples.append((item, school))
    return Problems([g for g in groups.values() if g.items], left_out)


def _unreliable(flags: dict[str, Any]) -> bool:
    return bool(flags.get("off_topic")) or (flags.get("copies") or 0) > 0


def author_of(campaign: Campaign, unit: Organization) -> Organization:
    """The issuer, unless the summary covers only a part of its area (then that unit)."""
    issuer = campaign.issuer
    inside = unit.path.startswith(issuer.path) and unit.pk != issuer.pk
    return unit if inside else issuer


def recipient_of(campaign: Campaign, author: Organization) -> str:
    """主送: the task's setting; else the issuer when a lower unit reports on its part of the
    task; else the author's parent unit; else nothing (a root unit reports to no one here)."""
    if campaign.main_recipient.strip():
        return campaign.main_recipient.strip()
    if author.pk != campaign.issuer_id:
        return campaign.issuer.name
    return author.parent.name if author.parent_id else ""


def _pct(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def summary_content(campaign: Campaign, unit: Organization, user: User | None) -> dict[str, Any]:
    children = queries.children_of(unit)
    return {
        "progress": queries.progress(campaign, unit, user, children),
        "timeliness": queries.timeliness(campaign, unit, user),
        "indicators": queries.indicator_stats(campaign, unit, user, with_histograms=False),
        "problems": group_problems(campaign, unit, user),
        "attention": queries.attention(campaign, unit, user),
        "late": list(
            queries.scoped_reports(campaign, unit, user)
            .filter(is_late=True)
            .order_by("organization__path")
            .values_list("organization__name", flat=True)[:200]
        ),
        "flags": queries.flag_overview(campaign, unit, user, children)["totals"],
    }


def write_summary(
    target: str | IO[bytes], *, campaign: Campaign, unit: Organization, user: User | None
) -> None:
    """The summary report of ``unit`` for ``campaign``: title, opening, the five sections in
    order, then the signature and the date."""
    data = summary_content(campaign, unit, user)
    author = author_of(campaign, unit)
    doc = official_document()
    doc.core_properties.author = author.name
    doc.core_properties.title = _title(campaign, unit, author)
    _write_opening(doc, campaign, unit, author, data)
    _write_overall(doc, campaign, data)
    _write_indicators(doc, data)
    _write_problems(doc, data["problems"])
    concerns = _write_attention(doc, data)
    _write_suggestions(doc, data["problems"].groups, concerns)
    _write_signature(doc, author)
    doc.save(target)


def _title(campaign: Campaign, unit: Organization, author: Organization) -> str:
    scope = "" if unit.pk == author.pk else unit.name
    return join_title(f"{author.name}关于{scope}{campaign.title}", "情况的汇总报告")


@dataclass
class Concerns:
    """The schools section 四 named; section 五 suggests follow-up for each kind."""

    flagged: list[str]
    missing: list[str]
    late: list[str]


def _heading(doc: Document, text: str) -> None:
    doc.add_paragraph(text, style=HEADING_STYLE)


def _write_opening(
    doc: Document, campaign: Campaign, unit: Organization, author: Organization, data: dict
) -> None:
    """文号 (if the task has one), title, 主送 line, then the opening paragraph."""
    if campaign.doc_number.strip():
        number = doc.add_paragraph(campaign.doc_number.strip())
        number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number.paragraph_format.first_line_indent = Pt(0)
        number.paragraph_format.space_after = Pt(16)
    doc.add_paragraph(_title(campaign, unit, author), style=TITLE_STYLE)
    recipient = recipient_of(campaign, author)
    if recipient:
        line = doc.add_paragraph(f"{recipient}：")
        line.paragraph_format.first_line_indent = Pt(0)
    totals = data["progress"]["totals"]
    area = "辖区内" if unit.pk == author.pk else unit.name
    doc.add_paragraph(
        f"根据{quoted(campaign.title)}（{campaign.period}）工作安排，{author.name}组织{area}"
        f"{totals['total']}所学校对照自查清单逐项开展自查，截至{cn_date(timezone.now())}，"
        f"共收到自查报告{totals['handed_in']}份。现将有关情况汇总报告如下。"
    )


def _write_overall(doc: Document, campaign: Campaign, data: dict) -> None:
    """一、总体情况: counts by state, when the first submissions came, the per-unit table."""
    _heading(doc, HEADINGS[0])
    totals = data["progress"]["totals"]
    doc.add_paragraph(
        f"本次自查应报学校{totals['total']}所，已提交{totals['handed_in']}所"
        f"（提交率{_pct(totals['handed_in'], totals['total'])}），"
        f"其中按时提交{totals['on_time']}所、"
        f"逾期{totals['late']}所；已审核通过{totals['approved']}所，退回修改{totals['returned']}所，"
        f"尚未开始{totals['not_started']}所，草稿未提交{totals['draft']}所。"
        f"填报截止时间为{cn_datetime(campaign.deadline)}。"
    )
    days = data["timeliness"]["days"]
    if days:
        last_days = sum(r["count"] for r in days if 0 <= r["days_to_deadline"] <= 1)
        doc.add_paragraph(
            f"首次提交集中在{cn_day_range(days[0]['day'], days[-1]['day'])}，"
            f"截止前最后两天提交{last_days}所。"
        )
    children = data["progress"]["children"]
    if children:
        add_table(
            doc,
            ["单位", "应报", "已提交", "按时", "逾期", "已通过", "退回", "未开始"],
            [
                [
                    row.unit.name,
                    row.counts["total"],
                    row.counts["handed_in"],
                    row.counts["on_time"],
                    row.counts["late"],
                    row.counts["approved"],
                    row.counts["returned"],
                    row.counts["not_started"],
                ]
                for row in children
            ],
        )


def _write_indicators(doc: Document, data: dict) -> None:
    """二、主要指标: which limits schools break, the table against the policy and the previous
    campaign, then the year-on-year cuts."""
    _heading(doc, HEADINGS[1])
    stats = [s for s in data["indicators"]["stats"] if s.count]
    previous = data["indicators"]["previous"]
    if stats:
        over = [s for s in stats if s.beyond]
        text = "从学校填报的主要指标看，" + (
            "；".join(
                f"{s.definition.label}有{s.beyond}所学校未达到“{s.limit_text}”的要求" for s in over
            )
            + "。"
            if over
            else "各项指标均符合政策要求。"
        )
        if previous is not None:
            text += f"与上期（{previous.title}）相比的变化见下表。"
        doc.add_paragraph(text)
        add_table(doc, INDICATOR_HEADERS, [_indicator_row(s) for s in stats], INDICATOR_WIDTHS)
    else:
        doc.add_paragraph("暂无学校提交指标数据。")
    for cut in data["indicators"]["cuts"]:
        if cut["change"] is not None:
            doc.add_paragraph(
                f"{cut['label']}：本年度合计{cut['this']:g}，上年度合计{cut['last']:g}，"
                f"变化{cut['change']:+.1f}%。"
            )


def _indicator_row(s: queries.IndicatorStat) -> list[Any]:
    return [
        f"{s.definition.label}（{s.definition.unit}）" if s.definition.unit else s.definition.label,
        s.count,
        s.avg,
        s.min,
        s.max,
        s.limit_text,
        s.beyond,
        s.previous_avg,
        f"{s.change:+.1f}%" if s.change is not None else "",
    ]


def _write_problems(doc: Document, problems: Problems) -> None:
    """三、存在的主要问题: the problems schools listed, by topic, with two examples each."""
    _heading(doc, HEADINGS[2])
    left_out = (
        f"（文本分析提示偏离主题或存在雷同的{problems.left_out}份报告未计入。）"
        if problems.left_out
        else ""
    )
    if not problems.groups:
        doc.add_paragraph(f"已提交的报告中暂未列出问题。{left_out}")
        return
    doc.add_paragraph(
        f"各学校在自查报告中共列出问题{sum(g.items for g in problems.groups)}条，"
        f"主要集中在以下方面。{left_out}"
    )
    for i, group in enumerate(problems.groups):
        examples = "；".join(f"{quoted(text)}（{school}）" for text, school in group.examples)
        doc.add_paragraph(f"（{ORDINALS[i]}）{group.name}方面。", style=SUBHEADING_STYLE)
        doc.add_paragraph(
            f"共有{len(group.schools)}所学校提及，计{group.items}条。如：{examples}。"
        )


def _write_attention(doc: Document, data: dict) -> Concerns:
    """四、需要关注的学校: flagged by the analysis, late, returned, not handed in."""
    _heading(doc, HEADINGS[3])
    flags = data["flags"]
    attention = data["attention"]
    returned = [r["organization__name"] for r in attention if r["state"] == ReportState.RETURNED]
    concerns = Concerns(
        flagged=[r["organization__name"] for r in attention if r["flagged"]],
        missing=[r["organization__name"] for r in attention if r["version"] == 0],
        late=data["late"],
    )
    lines = []
    if concerns.flagged:
        lines.append(
            f"文本分析提示需复核的报告{len(concerns.flagged)}份（含雷同段落{flags['copied']}份，"
            f"其中雷同来自他校报告{flags['copied_schools']}份、来自范文库{flags['copied_reference']}份；"
            f"含未填占位符{flags['placeholders']}份；偏离主题{flags['off_topic']}份；"
            f"数字前后矛盾{flags['contradictions']}份）：{'、'.join(concerns.flagged)}。"
        )
    if concerns.late:
        lines.append(f"逾期提交的学校{len(concerns.late)}所：{'、'.join(concerns.late)}。")
    if returned:
        lines.append(f"退回修改尚未重新提交的学校{len(returned)}所：{'、'.join(returned)}。")
    if concerns.missing:
        lines.append(
            f"临近或超过截止时间仍未提交的学校{len(concerns.missing)}所："
            f"{'、'.join(concerns.missing)}。"
        )
    for line in lines or ["暂无需要特别关注的学校。"]:
        doc.add_paragraph(line)
    return concerns


def _write_suggestions(doc: Document, problems: list[TopicGroup], concerns: Concerns) -> None:
    """五、下一步工作建议: one per problem topic, then follow-up of the schools of 四."""
    _heading(doc, HEADINGS[4])
    suggestions = [SUGGESTIONS[g.name] for g in problems]
    if concerns.missing or concerns.late:
        suggestions.append("督促未提交和逾期学校尽快完成自查，将按时报送情况纳入日常督导。")
    if concerns.flagged:
        suggestions.append(
            "对文本分析提示雷同、占位符未填、数字矛盾的报告逐份复核，必要时退回重报。"
        )
    suggestions.append(
        "坚持数据一次采集、多次使用，不再另行要求学校重复报送已在系统中填报的数据和佐证材料。"
    )
    for i, text in enumerate(suggestions):
        doc.add_paragraph(f"（{ORDINALS[i % 10]}）{text}")
    doc.add_paragraph("")


def _write_signature(doc: Document, author: Organization) -> None:
    """The issuing unit and the date, right-aligned with four characters' space (GB/T 9704)."""
    for text in (author.name, cn_date(timezone.now())):
        line = doc.add_paragraph(text)
        line.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.paragraph_format.first_line_indent = Pt(0)
        line.paragraph_format.right_indent = Pt(64)
