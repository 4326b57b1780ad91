"""Text pasted from template (范文) websites.

A marker (``由会员分享``, ``请在…搜索``, ``下面是小编为大家整理的``, ``相关范文推荐``, ``精选N篇``,
``本文由…``, ``文章来源``, ``作者：…``/``时间：2023-…`` lines, ``发布时间``, ``免费下载``,
``点击…查看``, ``word文档下载``, a URL, ``猜您喜欢``, collection titles such as
``…工作总结3`` / ``…总结篇二`` / ``…大全(17篇)`` / ``——语文减负工作总结3篇`` …) flags the whole
line when the line is short (≤ 150 characters, the usual case: site chrome sits on its own
line) and otherwise the sentence holding the marker.  Overlapping spans are merged.

Also site chrome of paywalled template sites: ``(完整版)`` / ``(word可编辑)`` page titles,
``扫码关注``, ``获取更多范文``, a WeChat article's ``点击上方蓝字关注我们`` / ``阅读原文`` /
``长按识别二维码`` / ``- END -`` / ``分享 收藏 在看`` / ``点个“在看”`` / the ``原创 … 17:30``
byline, a Word or PDF export's page footer (``第 1 页 共 3 页``, ``- 2 -``), ``登录后查看全文``,
``VIP下载``, ``开通VIP``,
``还剩2页未读，继续阅读``, ``立即下载``, ``收藏 举报``, ``共5页`` / ``当前第1页`` / ``下一页``,
``上一篇：`` / ``下一篇：``, ``篇一：`` (an anthology's item), the titles listed under
``相关推荐：``, ``【打印本页】``, breadcrumbs (``首页 > …``), ``浏览：1523次``, a
page title with the site's name (``…自查报告_范文网``, ``… - 道客巴巴``, ``…报告范文``), and
the page title repeated in the text: a short unnumbered line (not a section heading) that
stands again later — every occurrence after the first is residue.

Web conventions every site shares: a navigation bar (three ``|`` or a spaced line after
``首页``), a breadcrumb (two ``>``), ``©`` / ``版权所有`` / ``ICP备``, star ratings, a WeChat
article's ``收录于合集``, ``#话题 12个`` tags, ``干货｜`` headline tags, its byline as a date and
time, ``后台回复关键词``; an anthology's ``篇一`` / ``…报告 篇2`` item lines. A site's **page
title over the school's own**: above the first paragraph, beside chrome, a line naming a
report genre with another one (not a ``——`` subtitle, not a heading) below it.

Pages of other kinds: a **forum thread** pasted whole (the fixed strings of the forum
software everyone runs: ``只看该作者``, ``使用道具 举报``, ``楼主``/``沙发``, ``UID``, member
ranks, ``Processed in``; and from the first post's footer to the last post's footer every
line — other users' replies, names, signatures — while the first post keeps the report);
a **government information page**'s furniture (``索引号``, ``发布机构``, ``成文日期``,
``网站标识码``, ``主办单位：``, ``【字体：大 中 小】``, ``相关链接``); a **running header or
footer**: a title-like line standing three times or more is residue every time (if it
names a report genre, the first stays the title unless the school's own title stands
below it).

An **AI chat answer** copied whole: the interface (``新建对话``, ``重新生成``, ``内容由AI生成``,
``深度思考``, ``联网搜索``, history groups ``今天`` / ``7天内``), the clerk's prompt
(``帮我写…``), the answer's lead-in (``好的，以下是…``, ``为您撰写``, ``您可以根据…``) and its
closing offer (``如需调整…``, ``请告诉我``); the history titles above the report go as page
titles. A WeChat article's account card (``N篇原创内容``, its one-line description,
``公众号``) and the interface strings left as lines of one punctuation mark.

A **chrome block** at the text's edge: a site prints its frame as a run of short lines
above the report (before its first paragraph of prose) or below it (after the last). Once
one line of such a run is residue, the run's other chrome-shaped lines are too
(``_edge_blocks``): short, no sentence punctuation, not a heading, not the report's title
(a line naming a report genre: 报告/总结/方案 …), not a signature or a date — those end a
run, so the report's own title, signature and date are never taken. Only the edges:
between two paragraphs of prose a run of short lines is more likely a pasted table.

Residue is its own pass: the engine hands its spans to the other passes, and numbers,
placeholders' separators, gaps, the topic score and the summary ignore them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

__all__ = [
    "SITE_LINE_SCHOOLS",
    "Residue",
    "ShapeLine",
    "campaign_site_lines",
    "find_residue",
    "line_key",
    "residue_and_lines",
]

# Markers found anywhere (a lookahead built from them rejects most positions fast:
# ``_prefilter``).
_ANYWHERE = r"""
      由会员分享 | 会员上传 | 请在[^\n。]{0,30}?搜索 | 搜索[^\n。]{0,12}?(?:即可|获取)
    | 下面是小编 | 小编为大家 | 小编整理 | 小编精心 | 供大家参考 | 欢迎阅读 | 欢迎借鉴
    | 相关范文推荐 | 相关推荐 | 猜您喜欢 | 猜你喜欢 | 热门推荐 | 推荐阅读 | 延伸阅读 | 相关文章
    | 精选\d+篇 | 通用\d+篇 | 范文\d+篇 | [(\[]\d{1,4}篇[)\]] | (?<!\d)\d{1,4}+篇(?:范文|汇总|合集)
    | 本文由 | 文章来源 | 来源于网络 | 本DOCX文档 | 本文档由 | 文档由 | 海量范文 | 范文网 | 中词库
    | 时间[ \t]*:[ \t]*(?:19|20)\d{2}-\d{1,2}-\d{1,2} | 作者[ \t]*:[^\n]{1,20}?(?:时间|\d{4}-)
    | 免费下载 | 下载到电脑 | 方便收藏和打印 | word文档下载 | 下载word
    | 点击[^\n。]{0,12}?(?:查看|下载|阅读|进入)
    | 全文完整 | 全文阅读 | 完整版下载 | 复制链接 | 收藏本文 | [(\[]完整版[)\]]
    | [(\[](?:word|Word|WORD)?可编辑[)\]] | 扫码关注 | 获取更多范文
    | 如果你对[^\n。]{0,20}?感到 | 不妨看看以下 | 或许会有所启发 | 以下是[^\n。]{0,20}?整理的
    | https?://\S+ | www\.[A-Za-z0-9.-]+
    | 登录后[^\n。]{0,6}?(?:查看|阅读|下载) | (?:查看|展开|阅读)全文 | 继续阅读 | 还剩\d+页
    | VIP | 开通会员 | 立即下载 | 下载文档 | 免费获取 | 收藏[ \t]+举报 | 分享到
    | 打印本页 | 关闭窗口 | 当前位置[ \t]*:
    | 共[ \t]*\d+[ \t]*页 | 预览时标签不可点 | 微信扫一扫 | 关注该公众号 | 使用小程序
    | 文档格式[ \t]*: | 文档页数[ \t]*: | 文档大小[ \t]*:
    | 当前第\d+页 | 第\d+页[ \t]*/ | 第[ \t]*\d+[ \t]*页[ \t]*共

    | 浏览(?:次数|量)?[ \t]*:[ \t]*\d+ | 阅读量[ \t]*:? | 版权归原作者 | 侵权[^\n。]{0,6}删除
    | 道客巴巴 | 百度文库 | 原创力文档 | 豆丁网 | 文库网
    | ©[ \t]*\d{4} | 版权所有 | ICP备 | 收录于合集 | ★{2,}[★☆]* | ★+☆+
    | 后台回复[^\n。]{0,6}?(?:关键词|获取) | 回复关键词
    | 只看该作者 | 倒序浏览 | 阅读模式 | 电梯直达 | 返回列表 | 发新帖 | 使用道具 | 本帖最后由
    | 回复[ \t]+支持[ \t]+反对 | 查看[ \t]*:[ \t]*\d+[ \t]*\|[ \t]*回复 | Processed[ \t]+in
    | Powered[ \t]+by | GMT\+\d | 后才可以回帖 | 本版积分规则 | 快捷导航 | 设为首页 | 收藏本站
    | 立即注册 | 找回密码 | 自动登录 | 下载积分 | 下载次数 | 查看全部评分 | 参与人数 | 复制链接
    | 回帖后跳转 | 索[ \t]*引[ \t]*号 | 发布机构 | 成文日期 | 生成日期 | 主题分类 | 网站标识码
    | 主办单位[ \t]*: | 承办单位[ \t]*: | 公网安备 | 字体[ \t]*:[ \t]*大 | 无障碍 | 长者模式
    | 分辨率 | 有效性[ \t]*: | 相关链接 | 邮[ \t]*编[ \t]*:[ \t]*\d | 注册时间
    | 帖子[ \t]*\d+[ \t]*主题
    | \d{1,2}:\d{2}[ \t]*上传
    | 新建对话 | 历史对话 | 重新生成 | 内容由AI生成 | 发送消息 | 深度思考 | 联网搜索 | 下载App
    | 下载电脑版 | 用户(?:需要|让我|要求|希望) | 为您(?:撰写|整理|生成|起草|写) | 供您参考
    | 您可以?根据 | 如需我 | 请告诉我 | 温馨提示 | 轻点两下 | 帮我写 | 帮忙写 | 为您拟写
    | 如需(?:调整|进一步|补充|修改|精简) | 登录[ \t]*\|[ \t]*注册 | (?<!\d)\d{1,6}+篇原创内容
    | 热门搜索 | 热搜 | 下载券 | 照着改就能用 | 拿去就能用 | 可直接使用 | 直接套用 | 可直接修改
    | [(\[]完整版[,，]
"""
# Markers that hold a whole line (tried at line starts only).
_LINE = r"""
      [ \t]*(?:作者|发布时间|发布日期|更新时间|来源|编辑|责任编辑|审核|校对|排版|摄影|图片|文字
      |初审|终审)[ \t]*:[^\n]{0,20}$
    | [ \t]*▲[^\n]{0,40}$
    | [ \t]*[-—–][ \t]*\d{1,3}[ \t]*[-—–][ \t]*$
    | [ \t]*原创[ \t]+[^\n]{2,40}?\d{1,2}:\d{2}[ \t]*$
    | [^\n]{0,6}?点个[^\n]{0,2}在看
    | [ \t]*(?:-+[ \t]*)?END(?:[ \t]*-+)?[ \t]*$
    | [ \t]*——[^\n]{0,30}?\d+篇[ \t]*$
    | [^\n]{2,30}?(?:总结|报告|汇报|体会|方案|范文)[ \t]*
      (?:\d{1,2}|篇[一二三四五六七八九十\d]+)[ \t]*$
    | [^\n]{2,30}?大全[ \t]*[(（]?\d*篇?[)）]?[ \t]*$
    | [ \t]*第[一二三四五六七八九十]+篇[ \t]*:
    | [ \t]*篇[一二三四五六七八九十\d]+[ \t]*:
    | [ \t]*(?:上一篇|下一篇)[ \t]*:
    | [^\n]{0,3}?(?:点击上方|长按识别|长按二维码|阅读原文)
    | [^\n]{0,60}?\d{1,2}:\d{2}[ \t]*发表于
    | [^\n]{2,30}?[ \t](?:19|20)\d{2}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日)[ \t]+\d{1,2}:\d{2}
      (?:[ \t]+[\u4e00-\u9fff]{2,4})?[ \t]*$
    | [ \t]*(?:分享|收藏|在看|点赞|转发|赞)(?:[ \t]+(?:分享|收藏|在看|点赞|转发|赞|\d+)){1,8}[ \t]*$
    | [ \t]*(?:知道了|取消[ \t]+允许|往期推荐|往期回顾)[ \t]*$
    | [^\n]{2,40}\.(?:docx?|pdf|wps|DOCX?|PDF)[ \t]*$
    | [ \t]*首页[ \t]*>
    | [ \t]*首页(?:[ \t]+[^\s\d。,]{2,6}){3,}[ \t]*$
    | [^\n]{0,20}下一页[ \t]*$
    | [^\n]{2,40}?(?:[_|]|[ \t]-[ \t])[ \t]*[^\n_|]{1,10}?(?:网|文库|文档|社区|论坛|平台)[ \t]*$
    | [^\n。,]{2,30}?(?:范文|模板|范本)(?:大全|精选)?[ \t]*$
    | [ \t]*篇[一二三四五六七八九十]{1,3}[ \t]*$
    | [ \t]*(?:楼主|沙发|板凳|地板|\d{1,4}\#|UID[ \t]*\d+|评分|发消息|新手上路|注册会员|中级会员
      |高级会员|金牌会员|论坛元老|版主|超级版主)[ \t]*$
    | [ \t]*签名[ \t]*:[ \t]*[^\s_＿…]
    | [ \t]*(?:请帮我|帮我|请你|给我|帮忙)写
    | [ \t]*写(?:一份|一篇|个)[^\n]{0,30}(?:报告|总结|材料)
    | [ \t]*(?:今天|昨天|\d{1,2}天内|更早)[ \t]*$
    | [ \t]*(?:好的|当然|没问题|当然可以)[,!。][^\n]{0,60}(?:以下|下面|这是|为您)
    | [ \t]*(?:公众号|视频号|小程序)[ \t]*$
    | [^\n]{2,60}(?=\n[ \t]*\d+篇原创内容)
    | [ \t]*以下(?:是|为)(?:为您|一份|一篇)
    | [ \t]*\[(?:分享|原创|求助|讨论|转载|资料|推荐|精华|经验交流|经验分享|总结报告|心得体会)\]
    | [^\s+]{1,10}[ \t]*\+[ \t]*\d{1,3}[ \t]+[^\n]{0,10}$
    | [ \t]*发表于[ \t]*(?:19|20)\d{2}-
    | [ \t]*(?:标[ \t]*题|文[ \t]*号|名[ \t]*称)[ \t]*:
    | [ \t]*\#[^\s\#]{1,12}[ \t]+\d+[ \t]*个[ \t]*$
    | [ \t]*(?:范文|收藏|干货|推荐|精选|必看|建议收藏|实用)[ \t]*\|
    | (?:[^\n|]{1,8}\|){3}
    | (?:[^\n>›]{1,12}[>›]){2,}[^\n>›]{1,40}$
"""
_META = frozenset("\\[](){}?*+|^$.")


def _prefilter(alternatives: list[str]) -> str:
    """A lookahead that lets through only where one of ``alternatives`` may start: the
    first two characters of each that begins with two plain characters, else the first
    characters listed in ``_OTHER_FIRSTS`` (Python's ``re`` tries every alternative at
    every position the lookahead lets through; common first characters such as 有 or 主
    alone would let through one position in ten)."""
    firsts, seconds = set(), set()
    for alt in alternatives:
        if len(alt) >= 2 and alt[0] not in _META and alt[1] not in _META:
            firsts.add(alt[0])
            seconds.add(alt[1])
    pair = f"[{re.escape(''.join(sorted(firsts)))}][{re.escape(''.join(sorted(seconds)))}]"
    return rf"(?={pair}|[{_OTHER_FIRSTS}])"


# first characters of the markers that do not begin with two plain characters
# ("[(\[]完整版", "\d+篇原创内容", "(?:查看|展开|阅读)全文", "共 5 页", "第1页", "©", "★",
# "索 引 号", "邮 编", "www.", "https://")
_OTHER_FIRSTS = r"(\[\d查展阅共第©★索邮wh"
_ALTERNATIVES = [a.strip() for a in re.split(r"\s\|\s|\n\s*\|", _ANYWHERE) if a.strip()]
_MARKERS = re.compile(
    rf"{_prefilter(_ALTERNATIVES)}(?:{_ANYWHERE})|^(?:{_LINE})",
    re.VERBOSE | re.MULTILINE,
)
_SENT_END = re.compile(r"[。!?]")
# a line that may be a repeated page title: short, no sentence punctuation, no marker
_TITLE_LINE_RE = re.compile(
    r"^[ \t]*([^\n。,;:!?、()\d一二三四五六七八九十][^\n。,;:!?]{5,39})[ \t]*$", re.M
)


@dataclass(frozen=True, slots=True)
class Residue:
    """A residue passage (``text == source[start:end]``)."""

    text: str
    start: int
    end: int


def _signature_ends() -> tuple[str, ...]:
    from .names import UNIT_SUFFIXES

    return (*UNIT_SUFFIXES, "督导室", "办公室", "委员会", "政府", "党委", "党总支", "支部")


def _repeated_titles(folded: str) -> list[tuple[int, int]]:
    """Later occurrences of a short title-like line that stands more than once; every
    occurrence of one that stands three times or more (a page's running header)."""
    from .sections import classify_title

    seen: set[str] = set()
    spans: dict[str, list[tuple[int, int]]] = {}
    out: list[tuple[int, int]] = []
    for m in _TITLE_LINE_RE.finditer(folded):
        line = m.group(1).strip()
        if line.endswith(_signature_ends()):
            continue  # the school's name over the title and again as the signature
        span = (m.start(1), m.start(1) + len(line))
        spans.setdefault(line, []).append(span)
        if line in seen:
            out.append(span)
        elif classify_title(line) == "other":
            seen.add(line)
    for line, at in spans.items():
        # the first of them too, unless it names a report genre: that one is the title
        # (``_page_titles`` takes it when the school's own title stands below it)
        if len(at) >= _RUNNING and not _GENRE_RE.search(line):
            out += at if line not in seen else at[:1]
    return out


#: a line standing this many times in one text is a page's running header or footer
_RUNNING = 3


# a "related articles" list: its header line, then the titles under it, one per line
_RELATED_RE = re.compile(
    r"^[ \t]*(?:【[^\n】]{1,40}】)?(?:相关范文推荐|相关推荐|猜您喜欢|猜你喜欢|热门推荐|推荐阅读"
    r"|延伸阅读|相关文章|往期推荐|往期回顾|相关文档推荐|相关文档)"
    r"[^\n]{0,10}\n(?:[ \t]*\n)*((?:[ \t]*[^\n。;]{2,40}[ \t]*(?:\n[ \t]*(?=\n))*(?:\n|$))+)",
    re.M,
)


def _related_lists(folded: str) -> list[tuple[int, int]]:
    """The title lines of a template site's "related articles" list, one span each."""
    out: list[tuple[int, int]] = []
    for m in _RELATED_RE.finditer(folded):
        at = m.start(1)
        for line in m.group(1).split("\n"):
            if line.strip():
                start = at + len(line) - len(line.lstrip())
                out.append((start, at + len(line.rstrip())))
            at += len(line) + 1
    return out


# a forum post's header (its floor's date) and footer (the buttons under every post)
_POST_HEAD_RE = re.compile(r"^[ \t]*发表于[ \t]*(?:19|20)\d{2}-", re.M)
_POST_FOOT_RE = re.compile(r"^[^\n]*(?:使用道具|回复[ \t]+支持[ \t]+反对)[^\n]*$", re.M)


def _forum_replies(folded: str) -> list[tuple[int, int]]:
    """A forum thread pasted whole: the first post holds the report; from its footer to
    the last post's footer, every line is other users' replies, names and signatures."""
    heads = [m.start() for m in _POST_HEAD_RE.finditer(folded)]
    if len(heads) < 2:
        return []
    feet = [m for m in _POST_FOOT_RE.finditer(folded) if m.start() > heads[0]]
    if not feet or feet[-1].start() < heads[1]:
        return []
    out: list[tuple[int, int]] = []
    at = feet[0].start()
    for line in folded[at : feet[-1].end()].split("\n"):
        if line.strip():
            out.append((at + len(line) - len(line.lstrip()), at + len(line.rstrip())))
        at += len(line) + 1
    return out


# a line of prose: sentence punctuation and some length (chrome lines are short)
_PROSE_RE = re.compile(r"[。!?;,][^\n]{0,400}$|^[^\n]{0,400}[。!?;]")
_PROSE_MIN = 20
#: a marker takes its whole line up to this length, else only its sentence
_WHOLE_LINE = 150
_CHROME_MAX = 40
_GENRE_RE = re.compile(r"报告|总结|汇报|自查|方案|计划|讲话|通知|意见|情况|发言")
_DATE_LINE_RE = re.compile(r"[\dXx×*_＿〇○零一二三四五六七八九十年月日号 \t./-]+")
# how a title ends: its genre word, and at most a bracketed note ("（2023年春季学期）")
_TITLE_END_RE = re.compile(
    r"(?:报告|总结|汇报|自查|方案|计划|讲话|情况|发言|材料)[ \t]*(?:[(（][^\n]{0,16}[)）])?[ \t]*$"
)
_PUNCT_LINE_RE = re.compile(r"[^\w\s]{1,3}")
# a whole line in brackets: a blank left for the signature or date ("[日期]", "【学校名称】")
# or a bracketed heading — never a site's chrome by its shape
_BRACKETED_RE = re.compile(r"[\[【][^\]】\n]{1,20}[\]】]")
_DATE_SIGN_RE = re.compile(r"[年月日号./-]")
_DIGITS_RE = re.compile(r"\d+")


def line_key(line: str) -> int:
    """The key of a chrome-shaped line, as the campaign's line count stores it: spaces
    dropped and every run of digits one sign (a site varies its counts, dates and page
    numbers from page to page), hashed to a signed 64-bit integer."""
    norm = _DIGITS_RE.sub("#", "".join(line.split()))
    digest = hashlib.blake2b(norm.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True, slots=True)
class ShapeLine:
    """A chrome-shaped line of a text (short, no sentence punctuation, not a heading, not
    the title, signature or date), by ``line_key``: ``edge`` when it stands above the
    first paragraph of prose or below the last, ``chrome`` when its edge run holds residue
    found in this text. The pipeline counts edge lines across a campaign's schools."""

    key: int
    edge: bool
    chrome: bool


def _classify(folded: str, heading_starts: frozenset[int]) -> list[tuple[int, int, str]]:
    """Each non-blank line's (start, end, kind): prose / keep / shape."""
    lines: list[tuple[int, int, str]] = []
    at = 0
    for raw in folded.split("\n"):
        s, e = at, at + len(raw)
        at = e + 1
        line = raw.strip()
        if not line:
            continue
        s += len(raw) - len(raw.lstrip())
        e = s + len(line)
        if _PUNCT_LINE_RE.fullmatch(line):
            kind = "shape"  # a lone "，" or "。": an interface's leftovers, or a stray mark
        elif len(line) >= _PROSE_MIN and _PROSE_RE.search(line):
            kind = "prose"
        elif (
            len(line) > _CHROME_MAX
            or s in heading_starts
            or _SENT_END.search(line)
            or _GENRE_RE.search(line)
            or line.endswith((*_signature_ends(), ":"))
            or (_DATE_LINE_RE.fullmatch(line) and _DATE_SIGN_RE.search(line))
            or _BRACKETED_RE.fullmatch(line)
        ):
            kind = "keep"
        else:
            kind = "shape"
        lines.append((s, e, kind))
    return lines


def _page_titles(
    folded: str,
    lines: list[tuple[int, int, str]],
    marked: list[bool],
    heading_starts: frozenset[int],
) -> list[tuple[int, int]]:
    """A site's page title above the school's own: a line naming a report genre, above
    the first paragraph of prose, beside chrome (or standing again later in the text: a
    page's running header), with another such line (not a subtitle) below it before the
    prose — a 文库's document title or a WeChat headline over the
    report the school then pasted with its own title."""
    top = next((i for i, line in enumerate(lines) if line[2] == "prose"), 0)
    genre = [
        i
        for i in range(top)
        if not marked[i]
        and lines[i][0] not in heading_starts
        and _GENRE_RE.search(folded, lines[i][0], lines[i][1])
    ]
    out: list[tuple[int, int]] = []
    marked = list(marked)  # a page title found makes the title next to it "beside chrome"
    for n, i in enumerate(genre[:-1]):
        line = folded[lines[i][0] : lines[i][1]]
        beside = (i > 0 and marked[i - 1]) or marked[i + 1]
        beside = beside or folded.count(line) >= 2  # a page's running header
        later = any(
            folded[lines[j][0]] not in "—-(（"
            and _TITLE_END_RE.search(folded, lines[j][0], lines[j][1])
            for j in genre[n + 1 :]
        )
        if beside and later:
            out.append(lines[i][:2])
            marked[i] = True
    return out


def _edge_runs(lines: list[tuple[int, int, str]]) -> list[list[int]]:
    """Runs of consecutive shape lines above the first prose line and below the last."""
    prose = [i for i, line in enumerate(lines) if line[2] == "prose"]
    if not prose:
        return []
    runs: list[list[int]] = []
    for lo, hi in ((0, prose[0]), (prose[-1] + 1, len(lines))):
        run: list[int] = []
        for i in [*range(lo, hi), None]:
            if i is not None and lines[i][2] == "shape":
                run.append(i)
            elif run:
                runs.append(run)
                run = []
    return runs


def find_residue(
    text: str,
    folded: str,
    heading_starts: frozenset[int] = frozenset(),
    site_lines: Collection[int] = frozenset(),
) -> list[Residue]:
    """Lines or sentences that carry template-website residue (``heading_starts``: where
    the structure pass found headings, never chrome; ``site_lines``: keys of lines the
    campaign's count has shown to be a site's frame, see ``residue_and_lines``)."""
    return residue_and_lines(text, folded, heading_starts, site_lines)[0]


def residue_and_lines(
    text: str,
    folded: str,
    heading_starts: frozenset[int] = frozenset(),
    site_lines: Collection[int] = frozenset(),
) -> tuple[list[Residue], list[ShapeLine]]:
    """The residue and the text's chrome-shaped lines.

    ``site_lines``: keys (``line_key``) of lines that stand at the edge of many schools'
    texts of the campaign, beside residue in at least one: a site's frame that no marker
    names. Every chrome-shaped line with such a key is residue, and it seeds its edge run
    like a marker does.
    """
    found = [(m.start(), m.end()) for m in _MARKERS.finditer(folded)]
    found += _repeated_titles(folded)
    found += _related_lists(folded)
    found += _forum_replies(folded)
    found.sort()
    lines = _classify(folded, heading_starts)
    marked = _overlapping(lines, found)
    # a line a marker took whole is chrome whatever its shape: it joins its run, and its
    # punctuation does not make it the first (or last) paragraph of prose
    lines = [
        (s, e, "shape" if hit and e - s <= _WHOLE_LINE else kind)
        for (s, e, kind), hit in zip(lines, marked, strict=True)
    ]
    keys = [line_key(folded[s:e]) if kind == "shape" else 0 for s, e, kind in lines]
    if site_lines:
        site = [
            (s, e)
            for (s, e, kind), key in zip(lines, keys, strict=True)
            if kind == "shape" and key in site_lines
        ]
        if site:
            found = sorted(found + site)
            marked = _overlapping(lines, found)
    titles = _page_titles(folded, lines, marked, heading_starts)
    if titles:
        found = sorted(found + titles)
        marked = _overlapping(lines, found)
        lines = [
            (s, e, "shape" if hit and kind == "keep" else kind)
            for (s, e, kind), hit in zip(lines, marked, strict=True)
        ]
    edge: dict[int, bool] = {}
    for run in _edge_runs(lines):
        chrome = any(marked[i] for i in run)
        for i in run:
            edge[i] = chrome
            if chrome and not marked[i]:
                found.append(lines[i][:2])
    found.sort()
    shapes = [
        ShapeLine(keys[i], i in edge, edge.get(i, False))
        for i, line in enumerate(lines)
        if line[2] == "shape"
    ]
    return _spans(text, folded, found), shapes


def _overlapping(lines: list[tuple[int, int, str]], found: list[tuple[int, int]]) -> list[bool]:
    """For each line (in order), whether a found span (sorted by start) overlaps it."""
    out: list[bool] = []
    j, reach = 0, -1  # reach: the furthest end of the spans that start before the line
    for s, e, _ in lines:
        while j < len(found) and found[j][0] < s:
            reach = max(reach, found[j][1])
            j += 1
        out.append(reach > s or (j < len(found) and found[j][0] < e))
    return out


def _spans(text: str, folded: str, found: list[tuple[int, int]]) -> list[Residue]:
    """Each marker grown to its line (or its sentence, on a long line), merged."""
    spans: list[tuple[int, int]] = []
    n = len(folded)
    for m_start, m_end in found:
        ls = folded.rfind("\n", 0, m_start) + 1
        le = folded.find("\n", m_end)
        if le < 0:
            le = n
        if le - ls > _WHOLE_LINE:
            # long line: only the sentence holding the marker
            ss = ls
            for sm in _SENT_END.finditer(folded, ls, m_start):
                ss = sm.end()
            em = _SENT_END.search(folded, m_end, le)
            ls, le = ss, (em.end() if em else le)
        while ls < le and folded[ls] in " \t\r":
            ls += 1
        while le > ls and folded[le - 1] in " \t\r":
            le -= 1
        if le <= ls:
            continue
        if spans and ls <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], le))
        else:
            spans.append((ls, le))
    return [Residue(text[s:e], s, e) for s, e in spans]


#: a chrome-shaped line at the edge of this many schools' texts of a campaign, beside
#: residue in at least one of them, is a site's frame (``residue_and_lines``)
SITE_LINE_SCHOOLS = 3


def campaign_site_lines(texts: Iterable[tuple[object, Iterable[ShapeLine]]]) -> set[int]:
    """The site-frame keys of a campaign, from each school's (school, shape lines) — the
    rule ``reports.chrome`` applies with its table, for whole sets in memory (eval, tests)."""
    schools: dict[int, set[object]] = {}
    chrome: set[int] = set()
    for school, lines in texts:
        for line in lines:
            if line.edge:
                schools.setdefault(line.key, set()).add(school)
                if line.chrome:
                    chrome.add(line.key)
    return {k for k, s in schools.items() if len(s) >= SITE_LINE_SCHOOLS and k in chrome}
