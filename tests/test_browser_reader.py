"""The document reader and the similar page in a real browser (Playwright + Debian's chromium).

上一处/下一处 move between the marked words, the 目录 stays beside the text while
scrolling, a clause's actions appear when it gets focus, nothing scrolls sideways on a
360 px phone. Screenshots of the document, clause and similar pages at 360, 1280 and
1920 px go to tests/artifacts/ (reader-*.png), with the page heights in heights.txt.
"""
from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, serve
from tests.test_reader import SOURCE_NEEDLE, write_reader_corpus


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from indexer.writer import build_index
    from search_app.app import create_app
    root = tmp_path_factory.mktemp("reader_browser")
    build_index([write_reader_corpus(root / "docs")], root / "index", log=lambda _m: None)
    with serve(create_app({"INDEX_DIR": str(root / "index")})) as url:
        yield url


@pytest.fixture(scope="module")
def ids(base_url):
    import json
    from urllib.parse import urlencode
    from urllib.request import urlopen

    def hit(**args):
        with urlopen(f"{base_url}/api/search?{urlencode(args)}") as r:
            return json.load(r)["hits"][0]
    law = hit(q="某某省学校管理条例")
    source = hit(q=SOURCE_NEEDLE, city="广元市")
    return {"law": law["doc_id"], "source": source, "clause": source["clause_id"]}


def _page(browser, base_url, width, height=900):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("request", lambda r: r.url.startswith(base_url) or errors.append("external: " + r.url))
    return ctx, page, errors


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    vh = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= vh


def test_previous_and_next_move_between_marks(browser, base_url, ids):
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(f"{base_url}/documents/{ids['law']}?q=学校")
    marks = page.locator(".doc-body mark")
    n = marks.count()
    assert n > 30
    assert page.inner_text(".hit-pos") == f"共 {n} 处"
    # keyboard: focus 下一处 and press Enter, twice; then 上一处 with Space
    page.focus(".hit-next")
    page.keyboard.press("Enter")
    assert page.inner_text(".hit-pos") == f"第 1/{n} 处"
    assert marks.nth(0).get_attribute("class") == "current"
    page.keyboard.press("Enter")
    assert page.inner_text(".hit-pos") == f"第 2/{n} 处"
    assert "current" not in (marks.nth(0).get_attribute("class") or "")
    for _ in range(10):
        page.keyboard.press("Enter")
    current = page.locator(".doc-body mark.current")
    assert current.count() == 1 and page.inner_text(".hit-pos") == f"第 12/{n} 处"
    assert _in_view(page, current), "the current mark is scrolled into view"
    assert page.evaluate("window.scrollY") > 500
    page.focus(".hit-prev")
    page.keyboard.press(" ")
    assert page.inner_text(".hit-pos") == f"第 11/{n} 处"
    assert _in_view(page, page.locator(".doc-body mark.current"))
    # from the first mark 上一处 wraps to the last
    page.goto(f"{base_url}/documents/{ids['law']}?q=学校")
    page.click(".hit-prev")
    assert page.inner_text(".hit-pos") == f"第 {n}/{n} 处"
    assert _in_view(page, marks.nth(n - 1))
    # the current mark is not the plain yellow of the others
    colours = page.evaluate("""() => [...document.querySelectorAll('.doc-body mark')].slice(-2)
        .map(m => getComputedStyle(m).backgroundColor)""")
    assert colours[0] != colours[1]
    assert not errors, errors
    ctx.close()


def test_opened_from_a_hit_counts_from_that_clause(browser, base_url, ids):
    ctx, page, errors = _page(browser, base_url, 1280)
    cid = ids["clause"]
    page.goto(f"{base_url}/documents/{ids['source']['doc_id']}?q=大班额&clause={cid}#{cid}")
    target = page.locator(f'[id="{cid}"]')
    first = page.evaluate(f"""() => [...document.querySelectorAll('.doc-body mark')]
        .indexOf(document.getElementById('{cid}').querySelector('mark'))""")
    total = page.locator(".doc-body mark").count()
    assert page.inner_text(".hit-pos") == f"第 {first + 1}/{total} 处"
    # a mark on the highlighted clause does not vanish into its background
    bg = page.evaluate(f"getComputedStyle(document.getElementById('{cid}')).backgroundColor")
    mark_bg = target.locator("mark").nth(1).evaluate("m => getComputedStyle(m).backgroundColor")
    assert bg != mark_bg and "255, 247, 214" not in bg       # not yellow on yellow
    assert not errors, errors
    ctx.close()


def test_outline_stays_beside_the_text_while_scrolling(browser, base_url, ids):
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(f"{base_url}/documents/{ids['law']}")
    toc = page.locator("nav.toc")
    body = page.locator(".doc-body")
    assert toc.bounding_box()["x"] + toc.bounding_box()["width"] <= body.bounding_box()["x"]
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") > 2000
    assert _in_view(page, page.locator("nav.toc summary")), "目录 still on screen"
    # following a 目录 link lands on its chapter and keeps the 目录 in view
    page.click("nav.toc a >> nth=9")
    page.wait_for_timeout(100)
    assert _in_view(page, page.locator("nav.toc summary"))
    assert page.evaluate("location.hash").startswith("#h-")
    assert not errors, errors
    ctx.close()


def test_clause_actions_appear_on_focus(browser, base_url, ids):
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(f"{base_url}/documents/{ids['law']}")
    tools = page.locator(".clause-tools").nth(4)
    assert tools.evaluate("t => getComputedStyle(t).opacity") == "0"
    # keyboard: the first link of the bar takes focus; the bar shows
    tools.locator("a").first.focus()
    page.wait_for_timeout(200)                     # the fade-in
    assert tools.evaluate("t => getComputedStyle(t).opacity") == "1"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "复制引用"
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    assert tools.evaluate("t => getComputedStyle(t).opacity") == "1"
    # hover on another clause shows its bar
    other = page.locator(".clause").nth(8)
    other.hover()
    page.wait_for_timeout(200)
    assert other.locator(".clause-tools").evaluate("t => getComputedStyle(t).opacity") == "1"
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize("width", [360, 1280, 1920])
def test_reader_pages_at_three_widths(browser, base_url, ids, width):
    """No sideways scroll, and a screenshot of each page for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    ctx, page, errors = _page(browser, base_url, width)
    cid = ids["clause"]
    pages = {"document": f"/documents/{ids['source']['doc_id']}?q=大班额&clause={cid}#{cid}",
             "law": f"/documents/{ids['law']}?q=学校",
             "clause": f"/clauses/{cid}",
             "similar": f"/similar?clause_id={cid}"}
    heights = []
    for name, url in pages.items():
        page.goto(base_url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        heights.append(f"{name} {width}px: {page.evaluate('document.documentElement.scrollHeight')}")
        if name != "law":              # the reader at its target (sticky parts stay put)
            page.screenshot(path=str(ARTIFACTS / f"reader-{name}-{width}.png"),
                            full_page=name != "document")
    if width == 360:                               # a phone: the 目录 is folded at the top
        page.goto(f"{base_url}/documents/{ids['law']}")
        assert page.locator("nav.toc details").get_attribute("open") is None
        assert page.locator("nav.toc").bounding_box()["y"] < page.locator(".doc-body").bounding_box()["y"]
        page.click("nav.toc summary")
        assert page.locator("nav.toc details").get_attribute("open") is not None
        link = page.locator("nav.toc a").nth(6)
        anchor = link.get_attribute("href")[1:]
        link.click()
        assert page.locator("nav.toc details").get_attribute("open") is None   # folds again
        assert _in_view(page, page.locator(f'[id="{anchor}"]'))
    with open(ARTIFACTS / "heights.txt", "a", encoding="utf-8") as f:
        f.write("\n".join(heights) + "\n")
    assert not errors, errors
    ctx.close()


def test_a_hundred_articles_stay_short(browser, base_url, ids):
    """The law of 100 articles: no line of links under each (was ~180 px per article)."""
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(f"{base_url}/documents/{ids['law']}")
    height = page.evaluate("document.documentElement.scrollHeight")
    articles = page.locator(".clause").count()
    assert articles >= 100
    assert height / articles < 110, height
    ctx.close()
