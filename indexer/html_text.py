"""A saved web page → the text of its article body.

Pages from Chinese government sites wrap a document in site chrome: header, navigation,
breadcrumbs, a metadata table (索引号 …), a share/print bar, related links, a footer.
The body is found by (1) dropping elements that are never content (script, style, nav,
form controls …) and blocks whose id/class names them as chrome, (2) starting from the
largest text-dense block the site marks as content (zoom, TRS_Editor, article, content,
xxgk …) or else from <body>, (3) descending while one child holds nearly all of the
remaining non-link text and what it leaves behind is not prose. When unsure it keeps
more rather than less: leftover chrome lines are removed by `indexer.cleaning`.
"""
from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

# never content
_JUNK_TAGS = {"script", "style", "noscript", "template", "iframe", "frame", "frameset",
              "object", "embed", "svg", "math", "canvas", "button", "select", "input",
              "textarea", "option", "head", "title", "meta", "link", "map", "area", "audio",
              "video", "source", "dialog"}
# chrome by tag, unless the element holds most of the page (some sites wrap everything in one)
_CHROME_TAGS = {"nav", "aside", "header", "footer", "form", "menu"}
_CHROME_ATTR = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|position|location|weizhi|dqwz|"
    r"footer|foot|topbar|top|header|banner|share|bdshare|fenxiang|sidebar|side|copyright|"
    r"search|login|toolbar|print|friendlink|links|related|xgwz|xgxx|comment|pager|"
    r"pagination|qrcode|ewm)(?:$|[\s_\-\d])", re.I)
_CONTENT_ATTR = re.compile(r"zoom|trs_?editor|trs_?paperedit|article|content|xxgk|detail|"
                           r"zhengwen|zwnr|wenzhang|fontzoom|con_?text|main_?text", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "tbody",
               "thead", "tfoot", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "main", "blockquote", "pre", "hr", "center", "address", "figure",
               "figcaption", "caption", "body", "html", "fieldset", "legend", "details",
               "summary"} | _CHROME_TAGS
_CELL_TAGS = {"td", "th"}
_SPACE = re.compile(r"[ \t\n\r\f\v]+")      # collapsible HTML whitespace; keeps &nbsp; and U+3000
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def html_to_text(html: str) -> str:
    """The article text of an HTML page, one block per line ("\\n"-separated)."""
    if not html or not html.strip():
        return ""
    html = _XML_DECL.sub("", html, count=1)
    parser = lxml_html.HTMLParser(recover=True, remove_comments=True, remove_pis=True,
                                  no_network=True, huge_tree=True, default_doctype=False)
    try:
        root = lxml_html.document_fromstring(html, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, TypeError):
        return ""
    if root is None:
        return ""
    _drop_junk(root)
    body = root.find("body")
    if body is None:
        body = root
    total = _text_len(body)
    if not total:
        # libxml2 stops at a nesting depth it will not follow (a few thousand levels):
        # the page still has its words, read with the tags taken off
        return _without_tags(html)
    box = _metadata_box(body)
    _drop_chrome(body, total)
    block = _find_body_block(body)
    lines = _render(block)
    title = _title_before(root, block)
    if title and title not in lines[:3]:
        lines.insert(0, title)
    if box is not None and not _within(box[0], block) and not _within(block, box[0]):
        lines = box[1] + lines
    return "\n".join(lines)


# the 政府信息公开 box: a table or list naming several of these labels
_BOX_LABEL = re.compile(r"索\s*引\s*号|发\s*文\s*机\s*关|发\s*布\s*机\s*[构关]|成\s*文\s*日\s*期|"
                        r"发\s*文\s*字\s*号|文\s*号|主\s*题\s*分\s*类|有\s*效\s*性|文\s*件\s*状\s*态|"
                        r"发\s*布\s*日\s*期|实\s*施\s*日\s*期")


def _metadata_box(body):
    """(element, its lines) of the page's metadata box, read before chrome removal: the box
    may sit outside the article block (or be dropped as chrome) yet holds the document's
    facts (issuer, 成文日期, 文号, 有效性), which `indexer.heads` reads off the top lines."""
    for el in body.iter("table", "ul", "dl"):
        if not isinstance(el.tag, str) or el.find(".//table") is not None:
            continue
        text = "".join(el.itertext())
        if len(text) <= 2000 and len({re.sub(r"\s", "", m) for m in _BOX_LABEL.findall(text)}) >= 3:
            return el, _render(el)
    return None


def _within(el, ancestor) -> bool:
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


_SCRIPTS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|tr|h[1-6]|section|article|table)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")


def _without_tags(html: str) -> str:
    import html as _html
    text = _BLOCK_TAG.sub("\n", _SCRIPTS.sub("", html))
    text = _html.unescape(_ANY_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _drop_junk(root) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str):               # comments, processing instructions
            if el.getparent() is not None:
                el.drop_tree()
        elif el.tag.lower() in _JUNK_TAGS and el.getparent() is not None:
            # drop_tree keeps the tail text, which belongs to the parent
            el.drop_tree()


def _attrs(el) -> str:
    return f"{el.get('id', '')} {el.get('class', '')}"


def _drop_chrome(body, total: int) -> None:
    for el in list(body.iter()):
        if el is body or el.getparent() is None or not isinstance(el.tag, str):
            continue
        if _is_dropped(el):
            continue
        tag = el.tag.lower()
        attrs = _attrs(el)
        chrome = tag in _CHROME_TAGS or (_CHROME_ATTR.search(attrs) and not _CONTENT_ATTR.search(attrs))
        if not chrome:
            continue
        size = _text_len(el)
        # a chrome-named block holding much of the page, or the marked content, stays
        if size > total * 0.3 or any(_CONTENT_ATTR.search(_attrs(d)) and _text_len(d) > total * 0.2
                                     for d in el.iterdescendants() if isinstance(d.tag, str)):
            continue
        el.drop_tree()


def _is_dropped(el) -> bool:
    while el is not None:
        if el.getparent() is None and el.tag.lower() != "html":
            return True
        el = el.getparent()
    return False


def _text_len(el) -> int:
    return sum(len(t.strip()) for t in el.itertext())


def _link_len(el) -> int:
    return sum(_text_len(a) for a in el.iter("a"))


def _nonlink_len(el) -> int:
    return max(0, _text_len(el) - _link_len(el))


def _find_body_block(body):
    total = _nonlink_len(body)
    start = body
    hinted = [el for el in body.iter() if isinstance(el.tag, str) and el is not body
              and _CONTENT_ATTR.search(_attrs(el))]
    best, best_len = None, 0
    for el in hinted:
        n, all_text = _nonlink_len(el), _text_len(el)
        if all_text and _link_len(el) / all_text < 0.5 and n > best_len:
            best, best_len = el, n
    if best is not None and best_len >= total * 0.4:
        start = best
    return _descend(start)


_PROSE = re.compile(r"[。；！？]")


def _descend(cur):
    while True:
        here = _nonlink_len(cur)
        children = [c for c in cur if isinstance(c.tag, str)]
        if not children or not here:
            return cur
        top = max(children, key=_nonlink_len)
        if _nonlink_len(top) < here * 0.8:
            return cur
        # what the child leaves behind: only descend if it is chrome-like (no sentences)
        left = "".join(t for c in children if c is not top for t in c.itertext())
        left += (cur.text or "") + "".join(c.tail or "" for c in children)
        if _PROSE.search(left):
            return cur
        cur = top


def _title_before(root, block) -> str:
    """The page's heading (h1–h3, or a short *title* block) preceding the chosen block:
    the descent may leave it behind, and the document's title is worth keeping."""
    if any(True for _ in block.iter("h1", "h2")):
        return ""
    title = ""
    for el in root.iter():
        if el is block:
            break
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in ("h1", "h2", "h3") or (tag in ("div", "p", "td", "span")
                                          and re.search(r"title|biaoti|bt\b", _attrs(el), re.I)):
            text = _SPACE.sub(" ", "".join(el.itertext())).strip()
            if 4 <= len(text) <= 120 and not any(True for _ in el.iter("a")):
                title = text
    return title


def _render(block) -> list[str]:
    """Text with block elements as line breaks and table cells joined by tabs.
    Iterative walk: hostile pages nest thousands of levels deep."""
    out: list[str] = []
    pre_depth = 0

    def emit(text: str | None) -> None:
        if text:
            out.append(text if pre_depth else _SPACE.sub(" ", text))

    for event, el in etree.iterwalk(block, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "pre":
                pre_depth += 1
            if tag in _BLOCK_TAGS:
                out.append("\n")
            elif tag in _CELL_TAGS:
                out.append("\t")
            emit(el.text)
        else:
            if tag == "pre":
                pre_depth -= 1
            if tag in _BLOCK_TAGS and tag != "br":
                out.append("\n")
            if el is not block:
                emit(el.tail)
    lines = []
    for raw in "".join(out).split("\n"):
        cells = [c.strip(" ") for c in raw.split("\t")]
        line = "\t".join(c for c in cells if c.strip())
        if line.strip():
            lines.append(line)
    return lines
