"""Rules added after the first blind texts (b01–b12), each stated on its own.

Every case is a shape real reports take, written for the rule rather than copied from
the blind texts: a PDF's hard wrap inside a figure, written-out decimals, counted words
after a bound or an assignment, a quoted practice name, a frequency's period, figures
left out after the people a report counts, a template's ellipsis items, lead-in
paragraphs, run-in headings and a template site's anthology chrome.
"""

from __future__ import annotations

import pytest

from reports.analysis import analyze, fold
from reports.analysis.numbers import find_numbers
from reports.analysis.placeholders import find_gaps, find_placeholders
from reports.analysis.residue import find_residue
from reports.analysis.sections import find_headings


def _nums(text: str) -> list[tuple]:
    return [(q.text, q.value, q.unit) for q in find_numbers(text, fold(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a hard line break inside a figure: between the digits, before the unit, in the unit
        ("书面作业时间控制在60分\n钟以内。", [("60分\n钟以内", 60.0, "分钟")]),
        ("参与课后服务的学生共897\n人，参与率高。", [("897\n人", 897.0, "人")]),
        ("全校共有在校学生1\n2名住校。", [("1\n2名", 12.0, "名")]),
        ("校外人员6\r\n名参与服务。", [("6\r\n名", 6.0, "名")]),
        ("百分之五十八点六的家长满意", [("百分之五十八点六", 58.6, "%")]),
        ("学校有教学楼11栋、宿舍楼2幢", [("11栋", 11.0, "栋"), ("2幢", 2.0, "幢")]),
        ("每天开展两个课时", [("两个课时", 2.0, "课时")]),
        ("撰写心得共一万二千字", [("一万二千字", 12000.0, "字")]),
        ("每位教师至少提交一份案例", [("一份", 1.0, "份")]),
        ("明确一名副校长具体负责", [("一名", 1.0, "名")]),
        ("仅有一块操场", [("一块", 1.0, "块")]),
        ("每月收集整理一次教师意见", [("一次", 1.0, "次")]),
        ("行政会由每周一次调整为每两周一次", [("一次", 1.0, "次"), ("一次", 1.0, "次")]),
    ],
)
def test_figures_the_first_blind_texts_missed(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


def test_a_quoted_practice_name_is_no_figure_but_the_count_after_it_is() -> None:
    text = "推行\u201c综合查一次\u201d，同一时段只查一次。"
    found = find_numbers(text, fold(text))
    assert [(q.text, q.start) for q in found] == [("一次", text.rindex("一次"))]


@pytest.mark.parametrize("text", ["一名教师反映作业偏多。", "第一学期末\n2023年度考核"])
def test_articles_and_a_date_after_a_line_break_are_no_figures(text: str) -> None:
    assert _nums(text) == []


def _gaps(text: str) -> list[str]:
    return [g.text for g in find_gaps(text, fold(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("课后服务参与学生人，参与率达到%。", ["生人", "到%"]),
        ("本学期开展家访户，家长满意。", ["访户"]),
        ("检查学生作业本本，及时反馈。", ["本本"]),
        ("参训教师名，覆盖全体。", ["师名"]),
    ],
)
def test_figures_left_out_are_gaps(text: str, expected: list[str]) -> None:
    assert _gaps(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "全校共形成作业设计范例230余份。",
        "学校坚持立德树人，教书育人，全员育人。",
        "关心留守儿童、农户、贫困户，入户走访。",
        "落实以人为本，立足校本，回归课本。",
        "有100%的家长满意。",
    ],
)
def test_words_and_approximations_are_no_gaps(text: str) -> None:
    assert _gaps(text) == []


def test_a_bare_percent_after_a_word_is_a_gap_not_a_masked_figure() -> None:
    a = analyze("家长满意度达%，课后服务参与率 %。")
    assert [g.text for g in a.gaps] == ["达%"]
    assert [q.text for q in a.numbers if q.masked] == ["%"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据《通知》（×教发〔202x〕×号）要求", ["×", "202x", "×"]),
        ("下一步，学校将做好以下工作：一是……；二是……。", ["……", "……"]),
        ("主要措施：……\n", ["……"]),
    ],
)
def test_template_items_left_as_ellipses_are_blanks(text: str, expected: list[str]) -> None:
    assert [p.text for p in find_placeholders(text, fold(text))] == expected


def test_an_ellipsis_inside_a_sentence_is_not_a_blank() -> None:
    text = "为深入贯彻……重要指示精神，学校开展了专项自查。"
    assert find_placeholders(text, fold(text)) == []


def _heads(text: str) -> list[tuple[str, str]]:
    return [(h.title[:8], h.kind) for h in find_headings(text)]


def test_ellipsis_items_are_not_headings_but_yao_lists_are() -> None:
    text = "今后，学校将做好以下工作：一是……；二是……。"
    assert all(not t.startswith(("一是", "二是")) for t, _ in _heads(text))
    speech = (
        "同志们：\n一要抓好校舍安全，排查隐患。\n二要抓好交通安全，落实接送。\n统一要求，狠抓落实。"
    )
    titles = [t for t, _ in _heads(speech)]
    assert titles[:2] == ["一要抓好校舍安全", "二要抓好交通安全"]
    assert not any(t.startswith("统一") for t in titles)


def test_lead_in_paragraphs_open_the_problems_and_the_next_steps() -> None:
    text = (
        "一、主要做法\n学校落实作业公示制度，及时发现问题，立即整改。\n"
        "当然，我们的工作也还存在一些不足：一是师资不足；二是场地狭小。\n"
        "针对上述问题，学校将采取以下措施：第一，引进教师；第二，改造场地。\n"
    )
    heads = find_headings(text)
    kinds = [(h.title[:4], h.kind) for h in heads]
    assert ("当然，我", "problems") in kinds
    assert ("针对上述", "next_steps") in kinds
    assert [h.kind for h in heads if h.title.startswith(("一是", "二是"))] == ["problems"] * 2
    assert [h.kind for h in heads if h.title.startswith(("第一", "第二"))] == ["next_steps"] * 2
    # "及时发现问题" inside a measure opens nothing
    assert not any("发现问题" in h.title for h in heads)


def test_a_run_in_title_ends_where_the_body_starts() -> None:
    text = (
        "一、精简会议和文件学校行政会由每周一次调整为每两周一次，全体会议每月一次。\n"
        "二、保障教师休息权利严格控制教师在校时间，不安排无关事务。\n"
        "三、进一步加强学校管理制度建设\n"
    )
    assert [h.title for h in find_headings(text)] == [
        "一、精简会议和文件",
        "二、保障教师休息权利",
        "三、进一步加强学校管理制度建设",
    ]


def test_anthology_chrome_and_related_lists_are_residue_but_a_signature_is_not() -> None:
    text = (
        "新河小学\n篇一：双减工作自查报告\n我校认真落实双减政策，成效明显。\n"
        "新河小学\n相关推荐：\n学校作业管理自查报告\n课后服务工作总结3篇\n"
    )
    residue = [r.text for r in find_residue(text, fold(text))]
    assert "篇一：双减工作自查报告" in residue
    assert any("课后服务工作总结3篇" in r for r in residue)
    assert any("学校作业管理自查报告" in r for r in residue)
    assert not any("新河小学" in r for r in residue)
    assert not any("3篇" in q.text for q in analyze(text).numbers)


# --- rules added after the second blind texts (b13–b24) ---


def test_a_contents_list_is_not_structure_but_an_anthologys_repeated_report_is() -> None:
    contents = "目录\n一、学校概况\n二、主要举措\n三、存在的不足\n\n"
    body = (
        "一、学校概况\n我校现有学生900人。\n二、主要举措\n严控作业总量。\n"
        "三、存在的不足\n师资不足。\n"
    )
    heads = find_headings(contents + body)
    assert [h.start for h in heads] == [
        len(contents) + body.index(t) for t in ("一、学校概况", "二、主要举措", "三、存在的不足")
    ]
    # the same report twice (a template site's anthology): both copies keep their headings
    assert len(find_headings(body + "\n" + body)) == 6


def test_bare_title_lines_between_blank_lines_are_headings() -> None:
    para = "学校严格落实作业总量控制要求，各学科作业由备课组统一设计，实行公示制度，效果明显。"
    text = f"某某中学自查报告\n\n学校概况\n{para}\n\n作业管理\n{para}\n\n改进措施\n{para}\n"
    assert [(h.title, h.kind) for h in find_headings(text)] == [
        ("学校概况", "overview"),
        ("作业管理", "work_done"),
        ("改进措施", "next_steps"),
    ]
    # one short line alone is not a structure (a title, a signature)
    assert find_headings(f"自查报告\n\n作业管理\n{para}\n") == []


def test_circled_numbers_and_a_numeral_with_a_space_head_items() -> None:
    text = "一 基本数据\n在校学生670人。\n二 落实情况\n①坚持作业公示。②开展课后服务。\n"
    assert [(h.title[:6], h.level) for h in find_headings(text)] == [
        ("一 基本数据", 1),
        ("二 落实情况", 1),
        ("①坚持作业公", 2),
        ("②开展课后服", 2),
    ]


def test_a_look_back_at_the_years_work_is_work_done() -> None:
    text = "一、回顾一年来党总支的工作\n一是组织建设不断加强。二是学习教育走深走实。\n"
    assert {h.kind for h in find_headings(text)} == {"work_done"}


def test_a_text_mostly_silent_on_every_domain_is_off_topic() -> None:
    prose = (
        "同志们，今天我们在这里隆重集会，回顾党的光辉历程，重温入党誓词，"
        "坚定理想信念，砥砺初心使命，以实际行动迎接党的生日，推动各项事业取得新成绩。"
    )
    text = "\n".join([prose] * 5 + ["学校落实双减政策，减轻学生作业负担，课后服务全覆盖。"])
    assert analyze(text).topic.off_topic
    report = "\n".join(["学校落实双减政策，严控作业总量，课后服务全覆盖，减轻学生负担。"] * 5)
    assert not analyze(report + "\n" + prose).topic.off_topic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学校有教学楼一栋，综合楼一栋。", [("一栋", 1.0, "栋"), ("一栋", 1.0, "栋")]),
        ("共发放作业二百\n一十五份。", [("二百\n一十五份", 215.0, "份")]),
        (
            "每生每餐肉类不少于1\n25克，安装路灯8盏。",
            [("1\n25克", 125.0, "克"), ("8盏", 8.0, "盏")],
        ),
        ("纪念建党102周年，开展活动3次。", [("3次", 3.0, "次")]),
    ],
)
def test_figures_the_second_blind_texts_missed(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("○○县第一中学根据【上级文件名称】要求", ["○○", "【上级文件名称】"]),
        ("联系人：（此处填写学校联系人及联系电话）", ["(此处填写学校联系人及联系电话)"]),
    ],
)
def test_more_template_blanks(text: str, expected: list[str]) -> None:
    assert [fold(p.text) for p in find_placeholders(text, fold(text))] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全校学生共人，教职工共有人。", ["共人", "有人"]),
        ("教师参加培训累计天。", ["计天"]),
        ("本学期共拒绝不合理摊派事项个。", ["项个"]),
        ("台账由原来的类，压减至12类。", ["的类"]),
        ("走访困难家庭户，送去温暖。", ["庭户"]),
    ],
)
def test_more_figures_left_out(text: str, expected: list[str]) -> None:
    assert _gaps(text) == expected


@pytest.mark.parametrize(
    "text",
    ["合并同类项，一次采集。", "亮身份，树形象。", "整个，这个，某个。", "公共人才，共同体。"],
)
def test_more_words_that_are_no_gaps(text: str) -> None:
    assert _gaps(text) == []


def test_more_site_chrome_but_a_report_may_talk_about_official_accounts() -> None:
    text = (
        "双减工作自查报告(完整版)\n学校减少各类打卡、关注公众号、下载APP等任务。\n"
        "扫码关注，获取更多范文\n"
    )
    residue = [r.text for r in find_residue(text, fold(text))]
    assert residue == ["双减工作自查报告(完整版)", "扫码关注，获取更多范文"]


# --- rules added after the third blind texts (b25–b36, measured once before them) ---


def test_dressed_headings_start_at_their_dress() -> None:
    para = "学校严格落实作业总量控制要求，各学科作业由备课组统一设计，实行公示制度，效果明显。"
    text = (
        f"自查报告\n【学校概况】\n{para}\n【问题与不足】\n自查中我们也发现了一些问题：一是师资不足；"
        f"二是场地小。\n【相关推荐】\n"
    )
    assert [(h.title, h.kind) for h in find_headings(text) if h.level == 1] == [
        ("【学校概况】", "overview"),
        ("【问题与不足】", "problems"),
    ]
    numbered = f"■一、高度重视，加强领导\n{para}\n【二、下一步打算】\n{para}\n"
    assert [(h.title, h.kind) for h in find_headings(numbered)] == [
        ("■一、高度重视，加强领导", "work_done"),
        ("【二、下一步打算】", "next_steps"),
    ]


def test_bare_lines_without_blank_lines_and_a_heading_over_a_subheading() -> None:
    para = "我园严格执行指南要求，以游戏为基本活动，合理安排一日生活，保证幼儿户外活动时间充足。"
    text = (
        f"阳光幼儿园自查报告\n\n主要工作\n坚持以游戏为基本活动\n{para}\n开展入学准备教育\n{para}\n"
        f"XX县阳光幼儿园\n20XX年XX月XX日\n"
    )
    assert [h.title for h in find_headings(text)] == [
        "主要工作",
        "坚持以游戏为基本活动",
        "开展入学准备教育",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("约两成家长仍有焦虑", [("两成", 20.0, "%")]),
        ("清理政务APP十四个", [("十四个", 14.0, "个")]),
        ("每班配备教师3\n至4名", [("3\n至4名", 3.0, "名")]),
        ("珍惜每一节课，每一份作业", []),
        ("学校安排一次健康体检", [("一次", 1.0, "次")]),
        ("每天锻炼一个小时左右", [("一个小时左右", 1.0, "小时")]),
        ("每学期只组织期中、期末两次考试", [("两次", 2.0, "次")]),
    ],
)
def test_figures_the_third_blind_texts_missed(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


def test_wechat_and_word_chrome_is_residue_but_an_issuers_signature_is_not() -> None:
    text = (
        "青溪县人民政府教育督导室\n👆点击上方蓝字关注我们\n"
        "原创 青禾教育 2025-01-10 17:30 发表于浙江\n"
        "督导组对学校落实双减情况进行了督导。\n第 1 页 共 3 页\n- END -\n长按识别二维码关注我们\n"
        "阅读原文\n分享 收藏 在看 点赞\n青溪县人民政府教育督导室\n"
    )
    residue = [r.text for r in find_residue(text, fold(text))]
    assert not any("督导室" in r or "督导组" in r for r in residue)
    for chrome in (
        "点击上方蓝字",
        "发表于浙江",
        "第 1 页 共 3 页",
        "- END -",
        "长按识别",
        "阅读原文",
        "在看",
    ):
        assert any(chrome in r for r in residue), chrome


# --- rules added after the fourth blind texts (b37–b48, measured once before them) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("近百名教师参加培训", [("百名", 100.0, "名")]),
        ("结成帮扶对子28对", [("28对", 28.0, "对")]),
        ("开展1对1辅导，每周五对各班作业检查", []),
        ("初一至初三3个年级", [("3个", 3.0, "个")]),
        ("每天多上3到4节课后服务", [("3到4节课", 3.0, "节")]),
    ],
)
def test_figures_the_fourth_blind_texts_missed(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


def test_a_blank_before_a_percent_sign_is_one_blank() -> None:
    a = analyze("课后服务参与率达到____%。")
    assert [p.text for p in a.placeholders] == ["____"]
    assert not [q for q in a.numbers if q.masked] and not a.gaps


@pytest.mark.parametrize("text", ["学校排了轮休，尽量不加班。", "形成完整的责任链条，层层落实。"])
def test_words_ending_in_a_measure_word_are_no_gaps(text: str) -> None:
    assert _gaps(text) == []


def test_a_photo_caption_and_an_articles_credits_are_residue_not_headings() -> None:
    para = "学校开展兴趣小组活动，学生自主选择项目，每周两次，参与率达到百分之九十以上。"
    text = f"一、主要做法\n{para}\n▲兴趣小组活动现场\n{para}\nEND\n编辑：王芳\n审核：刘志强\n"
    residue = [r.text for r in find_residue(text, fold(text))]
    assert residue == ["▲兴趣小组活动现场", "END", "编辑：王芳", "审核：刘志强"]
    assert [h.title for h in find_headings(text)] == ["一、主要做法"]


# --- rules added after the fifth blind texts (b49–b60, measured once before them) ---


def test_shouxian_qici_zuihou_paragraphs_are_a_list_but_a_speechs_first_and_last_are_not() -> None:
    text = (
        "四、下一步打算\n首先，加强作业研究，提升设计质量。其次，强化家校联系，形成合力。"
        "最后，开足开齐课程，促进全面发展。\n"
    )
    assert [(h.title, h.kind) for h in find_headings(text)][1:] == [
        ("首先，加强作业研究", "next_steps"),
        ("其次，强化家校联系", "next_steps"),
        ("最后，开足开齐课程", "next_steps"),
    ]
    speech = "老师们：\n首先，我代表学校向大家致以节日的问候。\n最后，祝全体老师节日快乐。\n"
    assert find_headings(speech) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学校图书室藏书3\n200余册", [("3\n200余册", 3200.0, "册")]),
        ("共收到感谢信42封，食品留样12具", [("42封", 42.0, "封"), ("12具", 12.0, "具")]),
    ],
)
def test_figures_the_fifth_blind_texts_missed(text: str, expected: list[tuple]) -> None:
    assert _nums(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("开设校本课程共门，", ["共门"]), ("投入经费共计元。", ["计元"])],
)
def test_figures_left_out_after_totals(text: str, expected: list[str]) -> None:
    assert _gaps(text) == expected


def test_a_blank_in_brackets_before_a_percent_sign_is_one_blank() -> None:
    a = analyze("参与率达到（ ）%。")
    assert len(a.placeholders) == 1 and not [q for q in a.numbers if q.masked]


def test_page_numbers_and_a_wechat_byline_are_residue() -> None:
    text = (
        "原创 青山教育 2024年12月06日 17:30\n学校落实双减政策，成效明显。\n- 2 -\n"
        "点个“在看”，你最好看\n"
    )
    residue = [r.text for r in find_residue(text, fold(text))]
    assert residue == ["原创 青山教育 2024年12月06日 17:30", "- 2 -", "点个“在看”，你最好看"]


# --- rules added after the sixth blind texts (b61–b72, measured once before them) ---


def test_wechat_numbered_parts_and_a_difficulties_line_are_headings() -> None:
    para = "学校严格落实作业总量控制要求，各学科作业由备课组统一设计，实行公示制度，效果明显。"
    text = f"01 基本情况\n{para}\n02 主要工作\n{para}\n存在的主要困难：\n{para}\n"
    assert [(h.title, h.kind) for h in find_headings(text)] == [
        ("01 基本情况", "overview"),
        ("02 主要工作", "work_done"),
        ("存在的主要困难", "problems"),
    ]


def test_more_blanks_and_gaps_of_the_sixth_set() -> None:
    text = "1.……\n落款日期：2023年9月  日。初中不超过分钟，减少到张。"
    assert [p.text for p in find_placeholders(text, fold(text))] == ["……", "  "]
    assert _gaps(text) == ["过分钟", "到张"]
    assert _nums("走访112户次，开展28场次，发放五十根跳绳") == [
        ("112户次", 112.0, "户次"),
        ("28场次", 28.0, "场次"),
        ("五十根", 50.0, "根"),
    ]


def test_wechat_interface_and_document_site_chrome() -> None:
    text = (
        "学校落实双减政策，成效明显。\n往期推荐\n花灯进校园 非遗润童心\n\n预览时标签不可点\n"
        "微信扫一扫\n关注该公众号\n知道了\n分享 收藏 在看 16 赞 9\n"
        "文档格式：.docx  文档页数：3页  文档大小：21.5KB\n教师减负清单落实情况汇报.doc\n"
    )
    residue = " ".join(r.text for r in find_residue(text, fold(text)))
    for chrome in ("往期推荐", "花灯进校园", "预览时标签", "微信扫一扫", "关注该公众号", "知道了"):
        assert chrome in residue, chrome
    assert "在看 16 赞 9" in residue and "文档页数" in residue and "汇报.doc" in residue
    assert "成效明显" not in residue


# seventh set (b73–b84, one campaign's uploads from three template sources)
BODY7 = "本学期学校严格控制书面作业总量，三年级以上每天不超过60分钟，家长满意度明显提高。"


@pytest.mark.parametrize(
    "chrome",
    [
        # seventh set, first half
        "主页 | 总结 | 计划 | 讲话稿 | 登录",  # a site's navigation bar
        "某某文档 > 中小学 > 教学管理 > 工作总结",  # a breadcrumb, with genre words
        "Copyright © 2019-2024 某某网 版权所有",
        "备案号：闽ICP备19000000号",
        "★★★☆☆ 3.9分（12人评分）",
        "收录于合集",
        "#教育管理 12个",
        "干货｜一篇讲清楚落实双减的自查报告，建议收藏",  # a WeChat headline with its tag
        "篇二",  # an anthology's item marker on its own line
        # seventh set, second half
        "首页 总结 计划 讲话 调研 制度",  # a navigation bar spaced, not piped
        "小学减负工作汇报 篇2",  # an anthology's item title with an arabic number
        "想要电子版，请在后台回复关键词“减负”领取",
        "小编 某某教育 2024-05-06 21:15",  # a WeChat byline without 发表于
        # eighth set: a government information page
        "索 引 号：000000000/2024-00012　　主题分类：教育",
        "发布机构：某某县教育局　　成文日期：2024年03月01日",
        "标　　题：某某县第一小学双减工作自查报告",
        "【字体：大 中 小】　浏览次数：356",
        "主办单位：某某县人民政府办公室　　承办单位：某某县融媒体中心",
        "网站标识码：0000000000　公网安备 00000000000号",
        "相关链接：省政府 | 省教育厅 | 市教育局",
        # tenth set
        "热门搜索：工作总结 述职报告 心得体会",
        "举报  收藏  分享  下载（3下载券）",
        "双减工作自查报告（完整版，可直接使用）",
        "小学双减自查报告，照着改就能用！",
    ],
)
def test_site_chrome_on_its_own_line_is_residue(chrome: str) -> None:
    text = f"{chrome}\n城南小学双减自查报告\n{BODY7}\n"
    assert [r.text for r in find_residue(text, fold(text))] == [chrome]


def test_a_marked_line_with_a_comma_is_not_the_first_paragraph() -> None:
    # the banner below a WeChat byline has a comma; the short lines around it stay chrome
    text = (
        "作者某 某某号 2024-03-02 08:10 发表于江西\n点击上方蓝字关注我们，每天推送实用资料！\n"
        "一起学习成长\n\n城南小学双减自查报告\n" + BODY7
    )
    found = [r.text for r in analyze(text).residue]
    assert "一起学习成长" in found and not any("报告" in r for r in found)


def test_related_titles_may_hold_commas_and_questions() -> None:
    text = f"{BODY7}\n往期推荐\n开学第一周，班主任要做哪些事？\n作业设计怎样分层\n"
    found = "\n".join(r.text for r in find_residue(text, fold(text)))
    assert found == "往期推荐\n开学第一周，班主任要做哪些事？\n作业设计怎样分层"


def test_numbered_items_run_together_in_one_paragraph_are_headings() -> None:
    text = (
        "一、主要成效\n1.课程开齐开足，没有挤占。2.作业总量下降，时长达标。"
        "3.课后服务覆盖全体学生。另外，人均睡眠9.5小时。\n二、存在问题\n"
    )
    titles = [h.title for h in find_headings(text, fold(text))]
    assert [t[:4] for t in titles] == ["一、主要", "1.课程", "2.作业", "3.课后", "二、存在"]
    assert "9.5" not in " ".join(titles)
    # an item number after a sentence only continues its paragraph's list
    lone = "学校已完成整改。2.学生作业量明显减少。\n"
    assert [h.title for h in find_headings(lone, fold(lone))] == []


# seventh set, second half (b85–b96)
def test_prose_about_burdens_names_the_same_apps_and_accounts() -> None:
    # a teacher-burden report lists 关注公众号 among the tasks it stopped: not chrome
    text = f"{BODY7}\n取消了关注公众号、下载APP、网络投票等任务12项，教师普遍反映负担减轻。\n"
    assert find_residue(text, fold(text)) == []


def test_related_lists_under_a_titled_header_and_with_blank_lines() -> None:
    text = (
        f"{BODY7}\n城南小学\n2024年6月\n\n【双减自查报告】相关文章：\n课后服务怎样排课\n\n"
        "往期推荐\n\n作业分层设计实例\n\n家长会发言稿两篇\n"
    )
    found = " ".join(r.text for r in find_residue(text, fold(text)))
    for line in ("课后服务怎样排课", "作业分层设计实例", "家长会发言稿两篇"):
        assert line in found
    assert "城南小学" not in found and "2024年6月" not in found


def test_a_site_page_title_over_the_schools_own_title_is_chrome() -> None:
    site = "初中双减工作自查报告（可编辑版）"
    own = "城南中学落实双减工作情况自查报告"
    text = f"{site}\n小编 某某教育 2024-05-06 21:15\n\n{own}\n{BODY7}\n"
    found = [r.text for r in analyze(text).residue]
    assert site in found and own not in found
    # alone beside chrome, a title is the school's; under it a 情况 heading is no title
    alone = f"{own}\n小编 某某教育 2024-05-06 21:15\n一、基本情况\n{BODY7}\n"
    assert own not in [r.text for r in analyze(alone).residue]
    # a subtitle (——…) under the title does not make the title a page title
    sub = f"{own}\n小编 某某教育 2024-05-06 21:15\n——城南中学2024年春季学期自查情况\n{BODY7}\n"
    assert own not in [r.text for r in analyze(sub).residue]


def test_a_signature_date_with_blanks_stays_after_chrome() -> None:
    text = f"{BODY7}\n2024年＿＿月＿＿日\n- END -\n某某教育 出品\n"
    found = [r.text for r in analyze(text).residue]
    assert found == ["- END -", "某某教育 出品"]


@pytest.mark.parametrize(
    ("text", "gap"),
    [
        ("全年教师外出培训达人次，覆盖各学科。", "达人次"),
        ("校长每学期深入课堂听课节，并及时反馈。", "课节"),
    ],
)
def test_figures_left_out_after_reaching_and_after_lessons(text: str, gap: str) -> None:
    assert [g.text for g in find_gaps(text, fold(text))] == [gap]
    assert (
        find_gaps("评选校级教学达人，学生作业量下降。", fold("评选校级教学达人，学生作业量下降。"))
        == []
    )


# eighth set (b97–b120: government pages, forum threads, a PDF compilation, teacher burden)
FORUM = """某某教研论坛 - 教师交流社区
设为首页收藏本站手机版
某某教研论坛 › 学校管理 › 总结汇报 › 小学双减自查报告（可改）
返回列表 发新帖
查看: 1024|回复: 2
[经验分享] 小学双减自查报告，可直接修改
张老师
UID 1203
帖子88 主题9 积分310
中级会员
楼主
发表于 2024-04-02 20:11 | 只看该作者 | 倒序浏览 | 阅读模式
城南小学双减工作自查报告
{body}
回复 使用道具 举报
李老师
沙发
发表于 2024-04-02 21:30 | 只看该作者
感谢楼主分享，正好学校要交，先收藏了！
回复 支持 反对
使用道具 举报
GMT+8, 2024-4-9 10:00 , Processed in 0.05 second(s), 20 queries .
"""


def _pasted(page: str):
    """The analysis of a page with a two-part report pasted into it, and its residue."""
    a = analyze(page.format(body=f"一、基本情况\n{BODY7}\n二、存在问题\n{BODY7}"))
    return a, "\n".join(r.text for r in a.residue)


def test_a_forum_thread_pasted_whole_keeps_only_the_first_posts_report() -> None:
    a, found = _pasted(FORUM)
    for chrome in (
        "设为首页",
        "查看: 1024",
        "[经验分享]",
        "UID 1203",
        "帖子88",
        "中级会员",
        "楼主",
        "只看该作者",
        "感谢楼主分享",
        "李老师",
        "回复 支持 反对",
        "Processed",
    ):
        assert chrome in found, chrome
    assert "城南小学双减工作自查报告" not in found and BODY7 not in found
    assert [h.title for h in a.headings] == ["一、基本情况", "二、存在问题"]


def test_one_post_is_no_thread() -> None:
    # a single 发表于 line: nothing after the report is taken for replies
    text = f"发表于 2024-04-02 20:11\n{BODY7}\n回复 使用道具 举报\n{BODY7}\n"
    assert BODY7 not in " ".join(r.text for r in analyze(text).residue)


def test_a_running_header_and_a_compilations_header_over_the_title() -> None:
    header = "某市中小学减负工作自查报告汇编　　内部资料"
    own = "城南小学双减工作自查报告"
    two = f"{header}\n{own}\n{BODY7}\n{BODY7}\n{header}\n{BODY7}\n"
    assert [r.text for r in analyze(two).residue] == [header, header]
    running = "某市教育工作简报　第3期"
    three = f"{running}\n{own}\n{BODY7}\n{running}\n{BODY7}\n{running}\n{BODY7}\n"
    assert [r.text for r in analyze(three).residue] == [running] * 3
    # the report's own title repeated as a page title keeps its first occurrence
    titled = f"{own}\n{BODY7}\n{own}\n{BODY7}\n{own}\n{BODY7}\n"
    assert [r.text for r in analyze(titled).residue] == [own, own]
    assert analyze(titled).residue[0].start > 0


def test_headings_typed_with_half_width_periods() -> None:
    text = (
        f"一.基本情况\n{BODY7}\n二.自查发现的问题.\n"
        "一是作业管理.部分教师布置过多。二是课后服务.内容单一。\n"
    )
    heads = find_headings(text, fold(text))
    assert [(h.title, h.kind) for h in heads] == [
        ("一.基本情况", "overview"),
        ("二.自查发现的问题", "problems"),
        ("一是作业管理", "problems"),
        ("二是课后服务", "problems"),
    ]


@pytest.mark.parametrize(
    ("text", "gaps"),
    [
        ("本学期共家访次，对留守儿童全覆盖。", ["访次"]),
        ("共有教师人参与课后服务。", ["师人"]),
        ("全年培训约人次，经费约元。", ["约人次", "约元"]),
        ("学校开展了次，制定了项。", ["了次", "了项"]),  # one gap each, not two
        ("大约人人都参加了活动。", []),
    ],
)
def test_figures_left_out_after_a_visit_a_count_or_about(text: str, gaps: list[str]) -> None:
    found = [g.text for g in find_gaps(text, fold(text))]
    assert all(any(w in f or f in w for f in found) for w in gaps) and len(found) == len(gaps)


# ninth set (b121–b144: AI chat answers, WeChat account cards and interface strings)
AI_PAGE = """某某AI
新建对话
历史对话
城南小学双减自查报告
期末家长会发言稿
六一活动方案
下载App
帮我写一份小学落实双减的自查报告，要有基本情况、主要做法、存在问题
好的，以下是一份小学落实“双减”工作自查报告，您可以根据学校实际情况修改：
城南小学落实“双减”工作自查报告
{body}
城南小学
[日期]
以上内容可根据实际情况增删。如需调整篇幅，请告诉我。
复制
重新生成
内容由AI生成，请仔细甄别
给某某AI发送消息
深度思考
联网搜索
"""


def test_an_ai_chat_answer_keeps_only_the_report() -> None:
    a, found = _pasted(AI_PAGE)
    for chrome in (
        "新建对话",
        "期末家长会发言稿",
        "六一活动方案",
        "帮我写一份",
        "好的，以下是",
        "如需调整篇幅",
        "重新生成",
        "内容由AI生成",
        "联网搜索",
    ):
        assert chrome in found, chrome
    assert "城南小学落实“双减”工作自查报告" not in found and BODY7 not in found
    assert "[日期]" not in found  # the blank left for the date stays the school's
    assert [p.text for p in a.placeholders] == ["[日期]"]


@pytest.mark.parametrize(
    ("blank", "expected"),
    [
        ("学校共有学生[X]人", "[X]"),
        ("[学校名称]", "[学校名称]"),
        ("开展活动【X】次", "【X】"),
        ("【此处可补充学校特色做法】", "【此处可补充学校特色做法】"),
        ("联系电话：0xxx-6xxxxxx", "0xxx"),
        ("始建于19XX年", "19XX"),
    ],
)
def test_an_ai_answers_and_a_masked_numbers_blanks(blank: str, expected: str) -> None:
    text = f"{BODY7}\n{blank}\n"
    assert expected in [p.text for p in find_placeholders(text, fold(text))]


def test_a_blank_in_chrome_is_not_the_schools() -> None:
    text = f"温馨提示：请将文中“XX”等处替换为实际数据。\n{BODY7}\nXX小学\n"
    assert [p.text for p in analyze(text).placeholders] == ["XX"]  # the signature's only


def test_wechat_account_card_and_interface_leftovers() -> None:
    text = (
        "小学双减自查报告（附Word版）\n某某君 某某号 2024年03月02日 07:30 河南\n"
        "某某号\n专注学校材料分享：总结、计划、报告，每天更新。\n231篇原创内容\n公众号\n"
        f"城南小学双减工作自查报告\n{BODY7}\n城南小学\n2024年3月1日\n- END -\n"
        "视频\n小程序\n赞\n，轻点两下取消赞\n：\n。\n"
    )
    found = [r.text for r in analyze(text).residue]
    for chrome in (
        "小学双减自查报告（附Word版）",
        "专注学校材料分享",
        "231篇原创内容",
        "公众号",
        "，轻点两下取消赞",
        "视频",
        "小程序",
        "：",
        "。",
    ):
        assert any(chrome in r for r in found), chrome
    assert "城南小学双减工作自查报告" not in found and "2024年3月1日" not in found
    # a stray period of the report's own is no chrome
    assert analyze(f"{BODY7}\n。\n{BODY7}\n").residue == []


def test_run_in_sub_headings_without_numbers() -> None:
    text = (
        f"一、主要做法\n组织保障到位：学校成立领导小组，校长任组长。\n作业管理规范：{BODY7}\n"
        f"二、存在问题\n【师资不足】音体美教师缺口较大，课后服务难以开足。\n【家长焦虑】{BODY7}\n"
        "活动时间：2024年3月1日下午全体教师参加。\n"
    )
    heads = [(h.title, h.kind) for h in find_headings(text, fold(text))]
    assert heads == [
        ("一、主要做法", "work_done"),
        ("组织保障到位", "work_done"),
        ("作业管理规范", "work_done"),
        ("二、存在问题", "problems"),
        ("【师资不足】", "problems"),
        ("【家长焦虑】", "problems"),
    ]


# tenth set (b145–b168: the sources the writers judged most realistic, no constraint)
def test_numbered_items_run_into_their_headings_line() -> None:
    text = (
        "（一）健全机构。成立领导小组，校长任组长。\n"
        "（二）严格作业管理。1.作业总量控制。书面作业不超过60分钟。2.作业公示制度。"
        "每周公示。3.作业批改反馈。全批全改。\n（三）做好课后服务。每天2小时。\n"
    )
    titles = [h.title[:6] for h in find_headings(text, fold(text))]
    assert titles == [
        "（一）健全机",
        "（二）严格作",
        "1.作业总量",
        "2.作业公示",
        "3.作业批改",
        "（三）做好课",
    ]
    # a lone 1. after a sentence, with no 2. in its line, heads nothing
    lone = "（一）健全机构。本学期共检查1.次作业。\n"
    assert [h.title[:4] for h in find_headings(lone, fold(lone))] == ["（一）健"]
