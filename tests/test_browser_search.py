"""The results page as an official uses it (real browser): several values of one filter,
hits grouped by document, the pager's jump and page size, ticks kept across pages into
the Word export, and the home page's ways in."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser import ARTIFACTS, _page, base_url  # noqa: F401  (base_url: a fixture)


def _total(page) -> int:
    return int(page.inner_text("#res-h strong").replace(",", ""))


def test_two_values_of_one_filter(browser, base_url):
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(base_url + "/?q=教师")
    stage = 'details[data-facet="stage"]'
    counts = {}
    for name in ("学前教育", "义务教育"):
        counts[name] = int(page.locator(f'{stage} a.fv:has-text("{name}") .count').inner_text().replace(",", ""))
    page.click(f'{stage} a.fv:has-text("学前教育")')
    page.wait_for_selector("a.chip")
    one = _total(page)
    assert one == counts["学前教育"]
    # the other values stay listed with the count they would add
    other = page.locator(f'{stage} a.fv:has-text("义务教育")')
    assert other.is_visible()
    other.click()
    page.wait_for_selector(f'{stage} a.fv.on >> nth=1')
    assert parse_qs(urlparse(page.url).query)["stage"] == ["学前教育", "义务教育"]
    both = _total(page)
    assert max(counts.values()) <= both <= sum(counts.values())
    assert page.locator(".chips a.chip").count() == 2
    page.screenshot(path=str(ARTIFACTS / "search-multi-1280.png"), full_page=False)
    assert not errors, errors
    ctx.close()


def test_hits_of_one_document_are_grouped(browser, base_url):
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(base_url + "/?q=学前教育")
    group = page.locator("ol.hits > li.hit:has(details.same-doc)").first
    summary = group.locator("details.same-doc > summary")
    n = int("".join(ch for ch in summary.inner_text() if ch.isdigit()))
    assert n >= 1
    title = group.locator(":scope > article .src-title").inner_text()
    summary.click()
    nested = group.locator("ol.nested > li.hit")
    assert nested.count() == n and nested.first.is_visible()
    assert all(t == title for t in nested.locator(".src-title").all_inner_texts())
    # the header says how many documents the result covers
    assert "篇文件" in page.inner_text("#res-h")
    page.screenshot(path=str(ARTIFACTS / "search-grouped-1280.png"), full_page=False)
    assert not errors, errors
    ctx.close()


def test_pager_jump_and_page_size(browser, base_url):
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(base_url + "/?q=教育")
    assert _total(page) > 60
    page.fill("form.pager-jump input[name=page]", "3")
    page.click("form.pager-jump button[type=submit]")
    page.wait_for_load_state()
    assert parse_qs(urlparse(page.url).query)["page"] == ["3"]
    assert "第 41–60 条" in page.inner_text("#res-h")
    assert page.locator("ol.hits > li.hit").first.get_attribute("value") == "41"
    page.locator("nav.pager a", has_text="末页").click()
    page.wait_for_load_state()
    last = int(parse_qs(urlparse(page.url).query)["page"][0])
    assert last == -(-_total(page) // 20)
    # a larger 每页条数 keeps the rows that were on screen
    page.goto(base_url + "/?q=教育&page=4")                   # rows 61–80
    page.select_option("form.pager-jump select[name=size]", "50")
    page.click("form.pager-jump button[type=submit]")
    page.wait_for_load_state()
    assert "第 51–100 条" in page.inner_text("#res-h")
    assert not errors, errors
    ctx.close()


def test_ticks_kept_across_pages_into_word(browser, base_url):
    ctx, page, errors = _page(browser, base_url, 1280)
    page.goto(base_url + "/?q=教育")
    first = page.locator("ol.hits input[name=clause_id]").first
    first.check()
    picked = [first.get_attribute("value")]
    assert "已选 1 条" in page.inner_text("#tray-count")
    page.locator("nav.pager a", has_text="下一页").click()
    page.wait_for_load_state()
    box = page.locator("ol.hits input[name=clause_id]").first
    box.check()
    picked.append(box.get_attribute("value"))
    assert "已选 2 条" in page.inner_text("#tray-count")
    # the tray stays on screen while the list scrolls
    page.mouse.wheel(0, 1500)
    tray = page.locator("#tray").bounding_box()
    assert 0 <= tray["y"] < 900
    page.locator("nav.pager a", has_text="上一页").click()
    page.wait_for_load_state()
    assert page.locator("ol.hits input[name=clause_id]").first.is_checked()
    with page.expect_download() as dl:
        page.click("#tray button[type=submit]")
    sent = parse_qs(urlparse(dl.value.url).query)["clause_id"]
    assert sorted(sent) == sorted(picked)
    assert dl.value.suggested_filename.endswith(".docx")
    # 全选本页 then 清空
    page.click("#pick-all")
    boxes = page.locator("ol.hits input[name=clause_id]")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.click("#pick-clear")
    assert not boxes.first.is_checked()
    page.click("#tray button[type=submit]")
    assert page.locator("#tray-msg").is_visible()          # inline message, no error page
    assert "/export.docx" not in page.url
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_home_page_offers_ways_in(browser, base_url, width):
    ctx, page, errors = _page(browser, base_url, width)
    page.goto(base_url + "/")
    assert page.locator(".home-box h2", has_text="按学段").is_visible()
    assert page.locator(".newest li").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"home-{width}.png"), full_page=True)
    page.locator(".home-box .tiles a").first.click()
    page.wait_for_load_state()
    assert page.locator("ol.hits > li.hit").count() > 0
    # browsing without words: newest first, no 相关度 choice
    assert "日期（新→旧）" in page.inner_text("nav.sort strong")
    assert not errors, errors
    ctx.close()
