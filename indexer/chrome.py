"""Line-level recognisers for text that surrounds a policy but is not part of it.

Web-page chrome (breadcrumbs, 发布时间/浏览次数 bars, 字号 and print/close buttons, the
metadata header of 政府信息公开 pages, 文件解读 links), office trailers (审核/责任编辑,
抄送 lists, the 印发 line, page numbers) and editor marks.

Everything here matches a WHOLE LINE: a label at the line's start followed by ：/: and a
short value of the expected shape, or a line made only of such pieces. A word like 审核
or 来源 inside a sentence ("严格审核招生计划") never matches. Pure functions, no I/O.
"""
from __future__ import annotations

import re

from indexer.labelspace import NARROW_WS, WS as _WS, narrowed, spaced



# value shapes
_DATE = re.compile(r"^[\d\-/.:：年月日时分秒 \u00a0]{0,30}$")
_COUNT = re.compile(r"^\d{0,9}\s*次?$")
_FONT = re.compile(r"^[\[\]【】（）()大中小默认标准特超TＴ|｜/\s\u00a0]*$")
_SENTENCE = re.compile(r"[。；;！？!?]")


def _short(v: str) -> bool:
    return len(v) <= 40 and not _SENTENCE.search(v)


def _meta(v: str) -> bool:
    return len(v) <= 160


def _link(v: str) -> bool:
    return len(v) <= 100


# label → (value check, weak). A weak label ("时间", "日期") is chrome only on a line that
# also has another chrome piece: alone, "时间：3月1日" may be a line of an activity plan.
_LABELS: dict[str, tuple] = {}
for _w in ("索引号 主题分类 发文机关 成文日期 标题 发文字号 发布日期 主题词 有效性 文号 发布机构 "
           "组配分类 体裁分类 服务对象 公开方式 公开范围 公开时限 信息分类 所属主题 文件编号 "
           "生效日期 废止日期 失效日期 效力状态 时效性 信息名称 公文种类 发文单位 生成日期 "
           "统一编号 登记号 内容分类 主题分类词").split():
    _LABELS[_w] = (_meta, False)
# the rest of a gov page's box and of a legal-database export header: indexer.heads reads
# them as facts at the top; elsewhere a short value of them is still not policy text
for _w in ("文件状态 是否有效 有效期至 发布机关 制发机关 实施日期 施行日期 公开日期 公布日期 "
           "发布部门 效力级别 法规类别 法宝引证码").split():
    _LABELS[_w] = (_short, False)
for _w in ("发布时间 发表时间 更新时间 更新日期 上传时间 录入时间 信息时间").split():
    _LABELS[_w] = (lambda v: bool(_DATE.match(v)), False)
for _w in ("时间", "日期"):
    _LABELS[_w] = (lambda v: bool(_DATE.match(v)), True)
for _w in ("浏览次数 阅读次数 点击次数 点击数 访问次数 访问量 浏览量 阅读量 点击量 浏览 阅读 "
           "点击 人气 阅读数 浏览数").split():
    _LABELS[_w] = (lambda v: bool(_COUNT.match(v)), False)
for _w in ("来源 信息来源 文章来源 稿件来源 稿源 作者 审核 审核人 初审 复审 终审 校对 审校 审稿 "
           "责任编辑 编辑 撰稿 供稿 摄影 发布人 发布者 录入 录入人 发稿人 分享到 分享 "
           "版权所有 主办单位 承办单位 协办单位 网站标识码 技术支持 备案号").split():
    _LABELS[_w] = (_short, False)
for _w in ("字号 字体 选择阅读字号 阅读字号 字体大小 文字大小").split():
    _LABELS[_w] = (lambda v: bool(_FONT.match(v)), False)
for _w in ("上一篇 下一篇 上一条 下一条 原文链接 原文地址 本文链接").split():
    _LABELS[_w] = (_link, False)

# matched on narrowed lines (indexer.labelspace): 索 引 号 and 索\u3000引\u3000号 alike
_LABEL_RE = re.compile(
    r"(?<![^\s\u00a0\u3000|｜【\[•·])("
    + "|".join(spaced(w) for w in sorted(_LABELS, key=len, reverse=True))
    + f"){NARROW_WS}*[:：]")

# pieces that are chrome with no label: buttons, link bars
_BUTTONS = ("打印本页 打印此页 打印文章 打印 关闭窗口 关闭本页 关闭 返回顶部 返回首页 返回 "
            "收藏本页 加入收藏 收藏 保存 我要纠错 纠错 扫一扫 扫一扫在手机打开当前页 "
            "在手机上打开 手机版 点击下载此文件 下载此文件 附件下载 微信 微博 QQ空间 分享到 "
            "大 中 小 默认").split()
_BUTTON_RE = re.compile(
    r"(?<![^\s\u00a0\u3000|｜【\[（(/])(?:" + "|".join(sorted(map(re.escape, _BUTTONS), key=len, reverse=True))
    + r")(?![^\s\u00a0\u3000|｜】\]）)/])")
_URL_RE = re.compile(r"(?:https?://|www\.)[\w\-.~:/?#@!$&'*+,;=%]+|"
                     r"\b[\w\-]+(?:\.[\w\-]+)*\.(?:gov|edu|com|org|net)(?:\.cn)?(?:/[\w\-./?=&%#]*)?",
                     re.I)
_SITE_ID_RE = re.compile(r"[\u4e00-\u9fff]{0,2}(?:ICP|公网安)备\s*[\d\-]+号(?:-\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u3000]")
_FILLER = re.compile(r"[\s\u00a0\u3000|｜/\\·•\-–—_:：>＞»【】\[\]（）()<>]*")

_BREADCRUMB = re.compile(
    r"^(?:您?(?:现在|目前)?(?:所在|当前)(?:的)?位置|当前位置|您的位置|所在位置|当前页面|位置)"
    f"{_WS}*[:：]")
_CRUMB_TRAIL = re.compile(r"^(?:网站)?首页\s*(?:[>＞»›/]{1,2}\s*[^>＞»›/]{1,20}\s*){1,8}$")
_INTERPRETATION = re.compile(r"^【?(?:文件|政策|相关|图文|图解|视频|专家|媒体)?解读】?" f"{_WS}*[:：]")
_RELATED = re.compile(r"^(?:相关链接|相关阅读|相关文章|相关新闻|相关信息)" f"{_WS}*[:：]?")
# GB/T 9704 版记: "抄送：…" and "XX办公室  2019年5月30日印发"
CC_START = re.compile(f"^抄{_WS}*送{_WS}*[:：]")
_ISSUED = re.compile(r"^.{2,40}?" f"{_WS}*" r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日" rf"{_WS}*印\s*发$")
_RULE = re.compile(r"^[\-—–─━_=＝*＊~～·.。\s]{3,}$")            # a drawn separator line
_PAGE_NUMBER = re.compile(r"^(?:[\-—–－~～]\s*\d{1,4}\s*[\-—–－~～]|第\s*\d{1,4}\s*页"
                          r"(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
EDITOR_MARK = re.compile(r"\[[A-Z]{1,3}\d{1,3}\]")              # Word comment anchors [X1] [A2]

_MAX_CHROME_LINE = 400


def is_page_number(line: str) -> bool:
    return len(line) <= 20 and bool(_PAGE_NUMBER.match(line))


def is_rule(line: str) -> bool:
    return bool(_RULE.match(line)) and not re.search(r"[\w]", line)


def is_issued_line(line: str) -> bool:
    return len(line) <= 60 and bool(_ISSUED.match(line))


def is_chrome_line(line: str) -> bool:
    """True for a line that is page chrome or an office trailer, never for policy text."""
    if not line or len(line) > _MAX_CHROME_LINE:
        return False
    if _BREADCRUMB.match(line) or _CRUMB_TRAIL.match(line):
        return len(line) <= 200
    if (_INTERPRETATION.match(line) or _RELATED.match(line)) and len(line) <= 200:
        return True
    if is_issued_line(line):
        return True
    return _only_chrome_pieces(line)


def _strip_links(text: str) -> tuple[str, int, int]:
    """(text with buttons, URLs and site IDs blanked, buttons, URLs and IDs). The URL and
    ID patterns run only where their dot or 备 occurs: on a line of policy text their
    leading word-character runs are tried at every character."""
    text, buttons = _BUTTON_RE.subn(" ", text)
    urls = ids = 0
    if "." in text or "://" in text:
        text, urls = _URL_RE.subn(" ", text)
    if "备" in text:
        text, ids = _SITE_ID_RE.subn(" ", text)
    return text, buttons, urls + ids


def _only_chrome_pieces(line: str) -> bool:
    """The line consists of nothing but label:value pieces, URLs and buttons."""
    pieces = 0
    weak_only = True
    marks = list(_LABEL_RE.finditer(narrowed(line)))
    head = line[: marks[0].start()] if marks else line
    for i, m in enumerate(marks):
        label = _SPACES.sub("", m.group(1))
        end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        value = line[m.end():end]
        value, buttons, urls = _strip_links(value)
        value = value.strip(" \t\u00a0\u3000|｜•·")
        check, weak = _LABELS[label]
        if not check(value):
            return False
        pieces += 1 + buttons + urls
        weak_only = weak_only and weak and not buttons and not urls
    head, n_buttons, n_urls = _strip_links(head)
    if _FILLER.fullmatch(head) is None:
        return False
    pieces += n_buttons + n_urls
    if n_buttons or n_urls:
        weak_only = False
    if not pieces:
        return False
    if weak_only and pieces < 2:
        return False
    if not marks and n_urls == 0:
        # buttons only: "打印 关闭", "【大 中 小】"; a lone "返回" or "大" is too little evidence
        return n_buttons >= 2 or bool(re.fullmatch(r"\W*(?:点击)?下载此文件\W*|\W*(?:打印|关闭)(?:本页|窗口|此页)\W*", line))
    return True
