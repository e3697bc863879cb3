"""Real-browser walk through 对比 and 引用 (Playwright + Debian's chromium, as test_browser).

A small made-up corpus (the documents of test_compare and test_citations) is indexed
in tmp and served; the comparison is opened from a document's 与…对比 offer, and a
cited document's 被以下文件引用 list is followed. Screenshots at 1280 and 360 px go to
tests/artifacts/.
"""
from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, serve


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from search_app.app import create_app, get_engine
    from tests.conftest import _build_test_index
    from tests.test_citations import FILES
    from tests.test_compare import A, B
    index = _build_test_index(tmp_path_factory.mktemp("bcmp"), {**FILES, "a.txt": A, "b.txt": B})
    app = create_app({"INDEX_DIR": str(index)})
    with app.app_context():
        docs = {d["source"].split(".")[0]: d["doc_id"] for d in get_engine().snapshot().meta["docs"]}
    with serve(app) as url:
        yield url, docs


@pytest.mark.parametrize("width", [1280, 360])
def test_compare_from_document_and_cited_by(browser, site, width):
    base, docs = site
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/documents/{docs['a']}")
    page.click("details.cmp-offer summary")
    page.click(f'details.cmp-offer a[href*="b={docs["b"]}"]')
    page.wait_for_selector("ol.cmp-rows li.cmp-row")
    kinds = page.locator("li.cmp-row .cmp-badge").all_inner_texts()
    assert kinds == ["相同", "相同", "改写", "仅B有", "相同", "相同"]
    assert page.locator("li.cmp-row del.num").first.inner_text() == "90"
    assert page.locator("li.cmp-row ins.num").first.inner_text() == "95"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"compare-{width}.png"), full_page=True)

    # the cited notice lists its citers; follow one to the citing clause and its link back
    page.goto(f"{base}/documents/{docs['safety']}")
    items = page.locator("details.cited-by li")
    assert items.count() == 2
    assert "被以下文件引用" in page.inner_text("details.cited-by summary")
    page.screenshot(path=str(ARTIFACTS / f"cited-by-{width}.png"), full_page=False)
    page.locator("details.cited-by li a", has_text="某市中小学安全条例").click()
    page.wait_for_selector("a.cite-link")
    assert page.locator("a.cite-link").count() == 2
    page.screenshot(path=str(ARTIFACTS / f"citing-{width}.png"), full_page=False)
    page.locator("a.cite-link").nth(1).click()
    page.wait_for_selector("details.cited-by")
    assert docs["safety"] in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not errors, errors
    ctx.close()


@pytest.fixture(scope="module")
def sample_site(sample_index):
    from search_app.app import create_app
    with serve(create_app({"INDEX_DIR": str(sample_index)})) as url:
        yield url


@pytest.mark.parametrize("width", [1280, 360])
def test_compare_cities_from_search(browser, sample_site, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{sample_site}/?q=大班额")
    page.click("details.cc-offer summary")
    boxes = page.locator('details.cc-offer input[name="city"]')
    assert boxes.count() >= 3
    boxes.nth(2).check()                      # two are ticked already: three columns
    page.screenshot(path=str(ARTIFACTS / f"compare-cities-offer-{width}.png"), full_page=False)
    page.click("details.cc-offer button[type=submit]")
    page.wait_for_selector("section.cc-col")
    cols = page.locator("section.cc-col")
    assert cols.count() == 3
    assert all(cols.nth(k).locator("li.hit").count() >= 1 for k in range(3))
    if width > 1000:                          # side by side on a wide screen
        tops = {round(cols.nth(k).bounding_box()["y"]) for k in range(3)}
        assert len(tops) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"compare-cities-{width}.png"), full_page=True)
    assert not errors, errors
    ctx.close()
