"""The document reader, the similar-wording page and the exports, server side.

Real app on a real index: the sample corpus, a 100-article regulation written here (a
law's size, 第一章 … 第十章) and an edited copy of a 广元 clause (numbers changed, a word
swapped), so the similar page has a hit whose differences are known.
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import pytest

from search_app.app import create_app
from search_app.citation import cite, reference
from search_app.similar import mark_pair
from tests import fake_engine

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 100 → 一百 (article numbers as laws write them)."""
    if n == 100:
        return "一百"
    tens, ones = divmod(n, 10)
    return ((_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
            + (_DIGITS[ones] if ones else "")) or "零"


def regulation(articles: int = 100) -> str:
    """A 条例 of `articles` articles in ten chapters; every third article names 学校."""
    lines = ["# 某某省学校管理条例", ""]
    per = articles // 10
    for k in range(1, articles + 1):
        if (k - 1) % per == 0:
            lines += [f"## 第{cn_number((k - 1) // per + 1)}章 第{(k - 1) // per + 1}部分规定", ""]
        subject = "学校" if k % 3 == 0 else "教育行政部门"
        lines += [f"第{cn_number(k)}条 {subject}应当依法履行第{k}项职责，建立健全相应的管理制度，"
                  f"保障教育教学活动正常开展，接受社会监督。", ""]
    return "\n".join(lines)


COPY = """某县普通高中发展提升实施方案

一、主要任务
（一）化解普通高中大班额。实施化解普通高中大班额专项行动，加大消除大班额专项规划实施力度，确保到2024年全面消除56人以上大班额。结合实际制订大校额学校压减工作方案，积极稳妥化解大规模学校。保持县中适度规模，普通高中新入学年级班额不得超过50人，新建学校规模不得超过3000人。（责任单位：县教育局、县财政局）
"""
SOURCE_NEEDLE = "化解普通高中大班额大校额"          # the 广元 clause COPY was made from


def write_reader_corpus(docs: Path) -> Path:
    docs.mkdir(parents=True, exist_ok=True)
    for f in CORPUS.glob("*.txt"):
        shutil.copy(f, docs / f.name)
    (docs / "某某省学校管理条例.md").write_text(regulation(), encoding="utf-8")
    (docs / "某县普通高中发展提升实施方案.txt").write_text(COPY, encoding="utf-8")
    return docs


@pytest.fixture(scope="module")
def reader_index(tmp_path_factory):
    from indexer.writer import build_index
    root = tmp_path_factory.mktemp("reader")
    index = root / "index"
    build_index([write_reader_corpus(root / "docs")], index, log=lambda _m: None)
    return index


@pytest.fixture(scope="module")
def client(reader_index):
    return create_app({"INDEX_DIR": str(reader_index), "TESTING": True}).test_client()


def html_of(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def find(client, **args):
    data = client.get("/api/search?" + urlencode(args)).get_json()
    assert data["hits"], args
    return data["hits"][0]


def law_id(client) -> str:
    return find(client, q="某某省学校管理条例")["doc_id"]


# ---------------------------------------------------------------- reader: 目录, marks

def test_outline_lists_every_chapter_in_order_and_links_to_it(client):
    doc = law_id(client)
    html = html_of(client.get(f"/documents/{doc}"))
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    entries = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
    assert [t for _, t in entries] == [f"第{cn_number(n)}章 第{n}部分规定" for n in range(1, 11)]
    for anchor, _ in entries:
        assert f'id="{anchor}"' in html
    # the outline sits in the side column (sticky on wide screens), before the text
    assert html.index('class="doc-side"') < html.index('class="doc-body"')


def test_marks_are_counted_and_navigable(client):
    doc = law_id(client)
    html = html_of(client.get(f"/documents/{doc}?q=学校"))
    body = html[html.index('class="doc-body"'):]
    n = body.count("<mark>")
    assert n >= 33                                    # every third article, and the title
    assert f'<span class="hit-pos" aria-live="polite">共 {n} 处</span>' in html
    # the buttons are there for the script, hidden until it runs (no JS: marks and count)
    assert '<button type="button" class="hit-prev" hidden>上一处</button>' in html
    assert '<button type="button" class="hit-next" hidden>下一处</button>' in html
    assert '<script src="/static/reader.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script"
    assert " style=" not in html and " onclick=" not in html
    # no query: no bar
    assert 'class="hit-nav"' not in html_of(client.get(f"/documents/{doc}"))


def test_clause_actions_are_one_small_bar_in_words(client):
    doc = law_id(client)
    html = html_of(client.get(f"/documents/{doc}"))
    data = client.get(f"/api/documents/{doc}").get_json()
    assert len(data["clauses"]) >= 100
    assert "¶" not in html
    assert html.count('<p class="clause-tools" aria-label="条款操作">') == len(data["clauses"])
    assert 'class="actions"' not in html[html.index('class="doc-body"'):]
    c = data["clauses"][5]
    cid = c["clause_id"]
    section = html[html.index(f'id="{cid}"'):html.index("</section>", html.index(f'id="{cid}"'))]
    assert f'<a href="/clauses/{cid}">条款页</a>' in section
    assert f'<a href="/similar?clause_id={cid}">相似条款</a>' in section
    # 复制引用: a button for the script (citation in data-citation), a link without JS
    citation = client.get(f"/api/clauses/{cid}").get_json()["citation"]
    m = re.search(r'<button type="button" class="copy-cite" data-citation="([^"]*)" hidden>复制引用</button>',
                  section)
    assert m and m.group(1).replace("&#34;", '"').replace("&amp;", "&") == citation
    assert f'<a class="cite-fallback" href="/clauses/{cid}#cite-h">复制引用</a>' in section
    # the clause page the fallback leads to shows the citation under that anchor
    page = html_of(client.get(f"/clauses/{cid}"))
    assert 'id="cite-h"' in page and "第六条" in page


# ---------------------------------------------------------------- 返回检索结果

def back_href(html: str) -> str | None:
    m = re.search(r'<p class="back"><a href="([^"]+)">', html)
    return m.group(1).replace("&amp;", "&") if m else None


def test_return_link_restores_query_filters_sort_and_page(client):
    hit = find(client, q="大班额")
    state = urlencode([("q", "大班额"), ("stage", "普通高中"), ("stage", "义务教育"),
                       ("sort", "-date"), ("page", "1"), ("size", "5")])
    html = html_of(client.get(f"/documents/{hit['doc_id']}?" + urlencode(
        [("q", "大班额"), ("from", state), ("clause", hit["clause_id"])])))
    href = back_href(html)
    parts = urlsplit(href)
    assert parts.scheme == "" and parts.netloc == "" and parts.path == "/"
    assert parse_qs(parts.query) == {"q": ["大班额"], "stage": ["普通高中", "义务教育"],
                                     "sort": ["-date"], "size": ["5"]}
    assert "返回“大班额”的检索结果" in html
    # 取消标记 keeps the way back
    assert "from=" in html[html.index('class="hit-off"'):][:400]


@pytest.mark.parametrize("bad", [
    "https://evil.example/?q=x", "//evil.example", "javascript:alert(1)",
    "q=x&next=https://evil.example", "q=x&mode=bogus", "q=x&page=abc",
    'q="><script>alert(1)</script>&stage=学前教育&evil=1', "%%%", "q=" + "x" * 3000,
])
def test_return_link_ignores_a_from_that_is_not_our_search(client, bad):
    hit = find(client, q="大班额")
    html = html_of(client.get(f"/documents/{hit['doc_id']}?" + urlencode(
        [("q", "大班额"), ("from", bad)])))
    assert back_href(html) == "/?q=" + quote("大班额")            # the plain query instead
    assert "evil" not in html and "<script>alert" not in html
    html = html_of(client.get(f"/documents/{hit['doc_id']}?" + urlencode([("from", bad)])))
    assert back_href(html) is None                               # nothing to go back to


def test_search_results_carry_their_state_into_the_document_link():
    client = create_app({"ENGINE": fake_engine.FakeEngine()}).test_client()
    html = html_of(client.get("/?q=大班额&stage=义务教育&sort=-date"))
    href = re.search(r'<h2 class="hit-title"[^>]*><a href="([^"]+)"', html).group(1)
    query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
    assert parse_qs(query["from"][0]) == {"q": ["大班额"], "stage": ["义务教育"], "sort": ["-date"]}
    doc = client.get(href.replace("&amp;", "&"))
    assert back_href(html_of(doc)) == "/?" + urlencode(
        [("q", "大班额"), ("stage", "义务教育"), ("sort", "-date")])
    # a bare query needs no from=: the link stays as short as before
    html = html_of(client.get("/?q=大班额"))
    assert "from=" not in re.search(r'<h2 class="hit-title"[^>]*><a href="([^"]+)"', html).group(1)


# ---------------------------------------------------------------- 时效性 badges

def draft_client(status="征求意见稿"):
    clauses = [{**c, "status": status} if c["doc_id"] == "b243c2944faa9261" else dict(c)
               for c in fake_engine.CLAUSES]
    return create_app({"ENGINE": fake_engine.FakeEngine(clauses)}).test_client()


def test_status_badge_on_document_clause_similar_and_in_the_citation():
    client = draft_client()
    badge = '<span class="status-badge status-draft">征求意见稿</span>'
    doc = html_of(client.get("/documents/b243c2944faa9261"))
    h1 = re.search(r'<h1 id="doc-h">(.*?)</h1>', doc).group(1)
    assert h1 == f"盘锦市推进教育高质量发展行动计划 {badge}"
    assert "<dt>时效性</dt><dd>征求意见稿</dd>" in doc
    page = html_of(client.get("/clauses/b243c2944faa9261-0004"))
    assert badge in re.search(r'<h1 id="c-h">(.*?)</h1>', page).group(1)
    # a draft is cited as a draft
    assert "《盘锦市推进教育高质量发展行动计划（征求意见稿）》（盘政办发〔2019〕24号）第二部分第（九）条" in page
    similar = html_of(client.get("/similar?clause_id=57cabfa954bdb4bd-0002"))
    assert badge in similar
    # unknown status: no badge at all; other statuses get their own colour
    assert "status-badge" not in html_of(create_app(
        {"ENGINE": fake_engine.FakeEngine()}).test_client().get("/documents/b243c2944faa9261"))
    assert "status-repealed" in html_of(draft_client("已废止").get("/documents/b243c2944faa9261"))
    assert "status-amended" in html_of(draft_client("已修改").get("/clauses/b243c2944faa9261-0004"))


def test_draft_citation_not_doubled():
    c = {**fake_engine.CLAUSES[3], "status": "征求意见稿"}
    assert reference(c).startswith("《盘锦市推进教育高质量发展行动计划（征求意见稿）》（")
    c["title"] = "某某办法（征求意见稿）"
    assert reference(c).startswith("《某某办法（征求意见稿）》")
    assert cite({**c, "status": ""}).startswith("《某某办法（征求意见稿）》")
    assert "征求意见稿" not in reference({**fake_engine.CLAUSES[3], "status": "已废止"})


# ---------------------------------------------------------------- similar page

def source_clause(client):
    return find(client, q=SOURCE_NEEDLE, city="广元市")


def test_similar_from_a_clause_shows_it_as_a_card_and_labels_the_columns(client):
    src = source_clause(client)
    html = html_of(client.get(f"/similar?clause_id={src['clause_id']}"))
    card = html[html.index('<section class="source-card"'):html.index("</section>", html.index('<section class="source-card"'))]
    assert "本条：" in card and src["title"] in card and "第三部分第（七）条" in card
    assert "优化县中布局调整" in card                            # its text, in full
    # not an empty text box: the box is folded away behind a summary
    assert '<details class="other-text"><summary>改为粘贴一段文字查找</summary>' in html
    assert re.search(r'<textarea id="text" name="text" rows="3"></textarea>', html)
    assert "<h4>本条（相近部分）</h4>" in html and "<h4>相似条款</h4>" in html
    assert "输入文字" not in html
    # the input is not repeated under the hit: only its shared passage is
    assert html.count("优化县中布局调整") == 1
    hits = html[html.index('<ol class="hits similar-hits">'):]
    assert '<button type="button" class="copy-cite" data-citation="《某县普通高中发展提升实施方案》' in hits


def test_similar_marks_differences_on_both_sides(client):
    src = source_clause(client)
    data = client.get(f"/api/similar?clause_id={src['clause_id']}").get_json()
    hit = next(h for h in data["hits"] if h["title"] == "某县普通高中发展提升实施方案")
    assert '<mark class="diff">2024</mark>' in hit["highlighted"]
    assert '<mark class="diff">56</mark>' in hit["highlighted"]
    assert '<mark class="diff">工作</mark>' in hit["highlighted"]
    assert '<mark class="diff">2023</mark>' in hit["input_excerpt"]
    assert '<mark class="diff">实施</mark>' in hit["input_excerpt"]
    assert "<mark>人以上大班额。结合实际制订大校额学校压减</mark>" in hit["highlighted"]
    html = html_of(client.get(f"/similar?clause_id={src['clause_id']}"))
    assert '<mark class="diff">2024</mark>' in html and '<p class="legend">' in html


def test_similar_filters_are_facet_lists_with_counts(client):
    src = source_clause(client)
    html = html_of(client.get(f"/similar?clause_id={src['clause_id']}"))
    aside = html[html.index('<aside class="filters"'):html.index("</aside>")]
    m = re.search(r'<details class="facet" data-facet="stage"[^>]*>.*?href="([^"]+)".*?'
                  r'<span class="fv-name">普通高中</span>\s*<span class="count">(\d+)</span>', aside, re.S)
    assert m and int(m.group(2)) >= 1
    link = m.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"clause_id": [src["clause_id"]], "stage": ["普通高中"]}
    chosen = html_of(client.get(link))
    assert 'aria-current="true"' in chosen and "学段：普通高中" in chosen


def _same_and_diff(marked: str) -> tuple[list[str], list[str]]:
    return (re.findall(r"<mark>([^<]*)</mark>", marked),
            re.findall(r'<mark class="diff">([^<]*)</mark>', marked))


def whole(a: str, b: str) -> dict:
    return mark_pair(a, b, [{"input_start": 0, "input_end": len(a),
                             "clause_start": 0, "clause_end": len(b)}])


def test_a_shared_passage_with_a_different_number_is_split():
    a = "到2025年，全市学前教育毛入学率达到90%以上，普惠性幼儿园覆盖率达到80%。"
    b = "到2022年，全县学前教育三年毛入学率达到85%以上，普惠性幼儿园覆盖率达到80%。"
    r = whole(a, b)
    same_b, diff_b = _same_and_diff(r["highlighted"])
    same_a, diff_a = _same_and_diff(r["input_highlighted"])
    assert diff_b == ["2022", "县", "三年", "85"] and diff_a == ["2025", "市", "90"]
    assert "普惠性幼儿园覆盖率达到80" in "".join(same_b)       # an equal number stays shared
    for same in (same_a, same_b):
        for s in same:
            assert not re.search(r"2025|2022|90|85", s), s


@pytest.mark.parametrize("a_num,b_num,diff_a,diff_b,head", [
    ("12", "125", ["12"], ["125"], ""), ("125", "12", ["125"], ["12"], ""),
    ("2020", "2025", ["2020"], ["2025"], ""), ("二十", "三十", ["二十"], ["三十"], ""),
    ("百分之九十", "百分之八十五", ["九十"], ["八十五"], "百分之"),
    ("1.5", "15", ["1.5"], ["15"], ""),
    ("56", "56人以上55", [], ["人以上55"], "56"),        # 56 is the same number: shared
])
def test_numbers_that_differ_are_never_marked_shared(a_num, b_num, diff_a, diff_b, head):
    a = f"全面推进县域内义务教育学校建设，新建学校{a_num}所，改善办学条件。"
    b = f"全面推进县域内义务教育学校建设，新建学校{b_num}所，改善办学条件。"
    r = whole(a, b)
    for marked, diff in ((r["input_highlighted"], diff_a), (r["highlighted"], diff_b)):
        same, found = _same_and_diff(marked)
        assert found == diff, marked
        if not diff:                   # nothing differs on this side: one shared run
            assert same == [a.rstrip("。")], marked
            continue
        # the shared run stops exactly where the number starts to differ (202|0 would fail)
        assert same[0] == "全面推进县域内义务教育学校建设，新建学校" + head, marked
        assert same[1:] == ["所，改善办学条件"], marked


def test_equal_wording_has_no_difference_marks_and_text_is_escaped():
    a = "加强<b>学校</b>管理&监督，到2025年建成100所学校。"
    r = whole(a, a)
    assert 'class="diff"' not in r["highlighted"]
    assert "&lt;b&gt;" in r["highlighted"] and "<b>" not in r["highlighted"]


# ---------------------------------------------------------------- exports

def docx_of(resp):
    from docx import Document
    assert resp.status_code == 200
    return Document(io.BytesIO(resp.data))


def east_asia(style_or_run) -> str:
    from docx.oxml.ns import qn
    return style_or_run.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_word_export_follows_the_official_layout(client):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Mm, Pt
    r = client.get("/export.docx?" + urlencode([("all", "1"), ("q", "大班额"),
                                                ("stage", "普通高中"), ("sort", "-date")]))
    assert unquote(r.headers["Content-Disposition"]).endswith("条款摘编.docx")
    doc = docx_of(r)
    s = doc.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(0.5) and abs(s.page_height - Mm(297)) < Mm(0.5)
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(getattr(s, f"{side}_margin") - Mm(mm)) < Mm(0.2), side
    normal = doc.styles["Normal"]
    assert east_asia(normal) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= normal.paragraph_format.line_spacing <= Pt(29)
    assert east_asia(doc.styles["Heading 2"]) == "黑体"
    title = doc.styles["Title"]
    assert east_asia(title) in ("方正小标宋简体", "宋体") and title.font.size == Pt(22)
    assert "w:pBdr" not in title.element.xml                  # no rule under the title
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "条款摘编" and doc.paragraphs[0].style.name == "Title"
    assert "检索词：大班额" in paras and "学段：普通高中" in paras and "排序：日期（新→旧）" in paras
    assert any(re.fullmatch(r"共 \d+ 条　导出日期：\d{4}年\d{1,2}月\d{1,2}日", p) for p in paras)
    refs = [p for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert refs and all(p.text.startswith("《") for p in refs)
    assert any("第三部分第（七）条" in p.text for p in refs)
    props = doc.core_properties
    assert props.author == props.last_modified_by == "policy-search 政策检索"
    assert props.title == "条款摘编：大班额" and "python-docx" not in (props.comments or "")
    assert "PAGE" in doc.sections[0].footer._element.xml


def test_word_export_of_a_selection_and_its_errors(client):
    src = source_clause(client)
    doc = docx_of(client.get(f"/export.docx?clause_id={src['clause_id']}"))
    paras = [p.text for p in doc.paragraphs]
    assert reference(src) in paras and not any(p.startswith("检索词") for p in paras)
    # the search it came from names the heading; fields that are not a search are ignored
    doc = docx_of(client.get(f"/export.docx?clause_id={src['clause_id']}&q=大班额&tray=1"))
    assert "检索词：大班额" in [p.text for p in doc.paragraphs]
    assert client.get("/export.docx").status_code == 400
    assert client.get("/export.docx?q=大班额").status_code == 400       # nothing selected
    assert client.get("/export.docx?all=1&q=x&year=abcd").status_code == 400
    assert client.get("/export.docx?clause_id=nope").status_code == 404


def test_markdown_export_speaks_chinese_and_stays_escaped(client):
    body = client.get("/export.md?" + urlencode([("q", "大班额"), ("stage", "普通高中"),
                                                 ("mode", "exact")])).get_data(as_text=True)
    assert "筛选条件：学段：普通高中；检索方式：精确" in body
    assert "stage" not in body and "doc_number" not in body
    assert re.search(r"导出日期：\d{4}年\d{1,2}月\d{1,2}日", body)
    facts = [line for line in body.splitlines() if line.startswith("- 城市：")]
    assert facts and all("年份：" in f and "学段：" in f for f in facts)
    assert any("发文机关：" in f or "文号：" in f for f in facts)
    evil = fake_engine.FakeEngine([{**c, "issuer": "<img src=x onerror=alert(1)>"}
                                   for c in fake_engine.CLAUSES])
    md = create_app({"ENGINE": evil}).test_client().get("/export.md").get_data(as_text=True)
    assert "发文机关：\\<img src=x onerror=alert(1)\\>" in md


def test_csv_headers_are_chinese(client):
    import csv
    r = client.get("/export.csv?q=大班额")
    header = next(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert header and all(re.search(r"[\u4e00-\u9fff]", h) for h in header)
