"""The demo reports' texts: most schools write their own, a few show what a reviewer must
catch (see ``DemoCase``).

A school's own text is drawn from many small choices (who did what, in which grade and
subject, with what result), so two schools' paragraphs share words but no sentence: the
copy check stays silent on them, as it does on real schools that write for themselves.
The cases are plain: a report copied from a neighbour, one left unfinished, the wrong
document pasted, a form figure typed wrongly, a text taken from another county's school
with its name still in it, last term's report sent again.

The names are invented; no text here comes from the sample corpus.
"""

from __future__ import annotations

from enum import StrEnum


class DemoCase(StrEnum):
    CLEAN = "clean"
    COPIED = "copied"  # 雷同: the achievements of a neighbour school that submitted earlier
    UNFINISHED = "unfinished"  # 模板空白 and 缺数字
    OFF_TOPIC = "off_topic"  # 离题: the school's campus-safety report pasted instead
    INCONSISTENT = "inconsistent"  # 数字矛盾 and 数据异常: enrolment typed wrongly in the form
    OTHER_SCHOOL = "other_school"  # 套用他校: another county's school's name left in
    SAME_AS_LAST = "same_as_last"  # 照搬上期: last term's report submitted again


# Each paragraph is three short sentences, each from a pool of seven (``_slots`` picks
# them so that no two demo reports share more than one sentence of a paragraph), plus
# the figures. Every sentence stays under the copy check's 20 characters: a sentence
# two schools happen to share is not a copy, a paragraph they share would be.
_THEMES: list[tuple[list[str], ...]] = [
    (
        [
            "围绕作业减量提质，推行分层作业单。",
            "作业管理上，每周公示各班作业时长。",
            "本学期试行了周三无书面作业日。",
            "作业设计纳入每两周的集体备课。",
            "教务处随机抽查作业本并当面反馈。",
            "我们要求教师先做后布置作业。",
            "书面作业尽量在校内完成。",
        ],
        [
            "先在三年级数学组试行。",
            "由七年级的班主任带头做起。",
            "语文组删去了机械重复的抄写。",
            "超时的作业由班主任出面协调。",
            "英语组把听读作业改成了课堂活动。",
            "各年级同步推进，不搞一刀切。",
            "年级组长每周五汇总一次。",
        ],
        [
            "学生回家后的书面作业明显少了。",
            "家长问卷里抱怨作业多的少了。",
            "教师更清楚每项作业的用意。",
            "多数学生能在晚饭前写完作业。",
            "作业质量比上学期稳定。",
            "抽查中未再发现重复抄写。",
            "家长签字检查作业的做法取消了。",
        ],
    ),
    (
        [
            "课后服务先安排学生完成作业。",
            "放学后的两小时里开设兴趣社团。",
            "退休教师和家长志愿者一起带社团。",
            "我们按学生意愿重排了走班名单。",
            "校园足球和合唱是两个骨干项目。",
            "为路远的住校生单独开了阅读室。",
            "每月征求一次家长对课程的意见。",
        ],
        [
            "双职工家庭可以延长半小时看护。",
            "引入了两家经审核的非学科机构。",
            "社团课由学生自愿报名。",
            "教师轮值按周排班，尽量均衡。",
            "科学社团用上了新建的实验室。",
            "书法和剪纸社团请了本地艺人。",
            "雨天的社团活动移到礼堂进行。",
        ],
        [
            "报名参加的学生逐月增加。",
            "接送难的家庭反映压力小了。",
            "期末社团展示吸引了不少家长。",
            "没有借课后服务讲新课的情况。",
            "学生在校时间安排得更充实。",
            "教师的轮值负担比较均匀。",
            "家长满意度调查好评居多。",
        ],
    ),
    (
        [
            "大课间延长为半小时，分年级轮换场地。",
            "每天下午第一节前做眼操和拉伸。",
            "住校生统一了熄灯时间。",
            "体育课不被其他学科占用。",
            "按体测结果分组开出补练课。",
            "雨天改在教室做韧性练习。",
            "跳绳和踢毽子带进了课间。",
        ],
        [
            "提醒家长晚上十点后不再写作业。",
            "体育组每月抽测一次跳绳。",
            "班主任每周查一次睡眠记录。",
            "校医室定期通报近视筛查结果。",
            "寄宿生午休时间不安排活动。",
            "每学期举办一次阳光体育节。",
            "篮球场在周末对学生开放。",
        ],
        [
            "体测优良率比去年有所提高。",
            "近视新发病例有所减少。",
            "上午犯困的学生少了。",
            "学生参加户外活动的热情高了。",
            "没有出现占用体育课的投诉。",
            "学生的午休质量明显改善。",
            "肥胖学生的比例略有下降。",
        ],
    ),
    (
        [
            "手机实行家长申请、进校统一保管。",
            "每层楼设有亲情电话方便联系家人。",
            "图书室对班级图书角逐本审核。",
            "开学初家长签订手机管理承诺书。",
            "班会课讨论了沉迷短视频的危害。",
            "推荐书目印成小册子发到各班。",
            "课外读物实行进校登记制度。",
        ],
        [
            "班主任每月清点一次保管柜。",
            "家长委员会参与了读物审核。",
            "有特殊需要的学生可单独申请。",
            "校园广播介绍好书每周一次。",
            "住校生晚自习后可以给家里打电话。",
            "每班评选了读书小明星。",
            "语文教师带学生写读书笔记。",
        ],
        [
            "课堂上没有再发现学生用手机。",
            "家长普遍支持这些做法。",
            "借阅量比上学期多了三成左右。",
            "交流读书心得的学生多了。",
            "沉迷游戏的个别学生有所转变。",
            "家校之间因手机的矛盾少了。",
            "学生的阅读兴趣明显提高。",
        ],
    ),
    (
        [
            "少数青年教师分层作业设计不准。",
            "个别毕业班考前仍有加量苗头。",
            "艺术类课后服务师资跟不上。",
            "部分家长对作业要求理解不到位。",
            "有的家长周末给孩子报学科网课。",
            "体育活动因场地紧张常被压缩。",
            "读物审核还停留在目录层面。",
        ],
        [
            "期中考试前后尤其明显。",
            "需要逐个谈话跟进。",
            "这学期只是略有好转。",
            "暂时还没有找到好的办法。",
            "靠学校一己之力难以解决。",
            "家长会上已经专门说明。",
            "教研组正在研究改进办法。",
        ],
        [
            "住校生周末作业偶有超量。",
            "社团课程的评价办法还不完善。",
            "个别教师仍习惯用练习册布置作业。",
            "睡眠管理主要靠家长，落实难查。",
            "乡村教学点的课后服务开不起来。",
            "作业公示有时流于形式。",
            "学生体质监测数据还没用起来。",
        ],
    ),
    (
        [
            "请县教研员来校指导作业设计。",
            "与文化站合作增开两门艺术课。",
            "在家长学校开一次缓解焦虑的讲座。",
            "重新划分操场的分时使用安排。",
            "把读物审核细化到每一本书。",
            "建立作业时长的周报制度。",
            "组织青年教师跟岗学习分层作业。",
        ],
        [
            "由分管副校长牵头。",
            "每月检查一次进度。",
            "写进新学期工作计划。",
            "到期末对照检查落实情况。",
            "所需经费列入学校预算。",
            "请家长委员会参与监督。",
            "教导处具体负责。",
        ],
        [
            "同时完善课后服务的评价办法。",
            "还要把体测数据反馈给家长。",
            "再为住校生增加晚间活动。",
            "并争取县里补充两名体育教师。",
            "另外修订手机保管办法。",
            "也要让教学点开起课后服务。",
            "继续开展作业设计评比。",
        ],
    ),
]
_POOL = 7  # a prime: any two of the three slots determine the report (see _slots)


def _slots(report_number: int, theme: int) -> tuple[int, int, int]:
    """Three sentence indices (0..6) for report ``report_number`` (0..48): an orthogonal
    array over the integers mod 7, so two reports agree in at most one of them."""
    a, q = report_number % _POOL, (report_number // _POOL) % _POOL
    return (a + theme) % _POOL, (a + q + theme) % _POOL, (a + 2 * q + theme) % _POOL


def _paragraph(report_number: int, theme: int) -> str:
    pools = _THEMES[theme]
    return "".join(pool[i] for pool, i in zip(pools, _slots(report_number, theme), strict=True))


def own_sections(report_number: int, values: dict) -> dict[str, str]:
    """A school's own report: four paragraphs of work done, its problems and next steps.
    ``report_number`` (0..48) must differ between the demo's reports."""
    figures = [
        f"我校现有在校学生{values['enrolment']}人。",
        f"参加课后服务学生{values['after_school_students']}人，每周开展"
        f"{values['after_school_days']}天。",
        f"每天校内体育活动不少于{values['pe_minutes']}分钟。",
        "",
    ]
    work = [_paragraph(report_number, t) + figures[t] for t in range(4)]
    return {
        "achievements": "\n".join(work),
        "problems": _paragraph(report_number, 4),
        "next_steps": _paragraph(report_number, 5),
    }


UNFINISHED_TAIL = "学校共开设xx个社团，本学期共开展了次作业专项检查，课后服务参与率**%。"

SAFETY_REPORT = {
    "achievements": (
        "本学期学校把校园安全放在首位，修订了校园安全应急预案，开展了防溺水、防火、防地震"
        "疏散演练。\n门卫室配齐了钢叉、防暴盾牌等器械，上下学时段安排教师和保安在校门口"
        "值守，校车由专人跟车，每天检查车况。\n食堂严格执行食材索证索票和留样制度，"
        "厨房操作间安装了明厨亮灶设备，市场监管部门两次来校检查未发现问题。"
    ),
    "problems": "学校周边道路车流量大，上下学时段交通秩序仍需交警部门配合维护。",
    "next_steps": "继续加强与派出所、交警中队的联防联控，冬季前完成消防设施检修。",
}

OTHER_SCHOOL_NAME = "白水县第二中学"


def other_school_sections(report_number: int, values: dict) -> dict[str, str]:
    """A report taken from another county's school, with that school's name left in."""
    sections = own_sections(report_number, values)
    sections["achievements"] = (
        f"{OTHER_SCHOOL_NAME}始终把落实“双减”作为校长工程，班子成员分包年级，"
        "每周碰头研究作业和课后服务中的新情况。\n" + sections["achievements"]
    )
    return sections
