"""scripts/scale_corpus.py: an N× corpus whose copies are documents of their own."""
import sys
from pathlib import Path

from indexer.writer import parse_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import scale_corpus  # noqa: E402

LAW = """# {place}{name}条例

{year}年3月1日 {place}人民代表大会常务委员会通过

<!-- INFO END -->
## 第一章 总则

第一条 为了{name}，根据有关法律，结合{place}实际，制定本条例。

第二条 {place}行政区域内的{name}工作适用本条例。

本条所称学校包括幼儿园。

## 第二章 保障

第三条 {place}人民政府统筹{name}工作，所需经费列入预算（{place}政发〔{year}〕{n}号）。

第四条 {name}工作实行目标责任制，第{n}项措施由教育行政部门落实。

第五条 本条例自{year}年10月1日起施行。
"""
LAWS = [("广州市", "学校安全", 2015), ("杭州市", "学前教育", 2018), ("成都市", "校外培训管理", 2020),
        ("", "教师队伍建设", 2012)]


def make_source(folder: Path) -> Path:
    for i, (place, name, year) in enumerate(LAWS):
        sub = folder / ("地方性法规" if place else "行政法规")
        sub.mkdir(parents=True, exist_ok=True)
        text = LAW.format(place=place or "全国", name=name, year=year, n=i + 3)
        (sub / f"{place}{name}条例.md").write_text(text, encoding="utf-8")
    return folder


def articles(path: Path) -> list[dict]:
    _, _, records, reason, _ = parse_file(path, path.name)
    assert records, reason
    return [r for r in records if r["label"].startswith("第")]


def test_chinese_numbers_for_article_labels():
    got = [scale_corpus.chinese_number(n) for n in (1, 10, 11, 20, 21, 100, 105, 110, 1200)]
    assert got == ["一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十", "一千二百"]


def test_copies_are_valid_distinct_documents_and_deterministic(tmp_path):
    src = make_source(tmp_path / "src")
    n = scale_corpus.make_corpus(src, tmp_path / "a", 3, seed=1)
    assert n == 3 * len(LAWS)
    originals = sorted((tmp_path / "a" / "x00").rglob("*.md"))
    assert len(originals) == len(LAWS) and all(p.is_symlink() for p in originals)
    copies = sorted((tmp_path / "a").glob("x0[12]/**/*.md"))
    assert len(copies) == 2 * len(LAWS)
    titles = {articles(p)[0]["title"] for p in originals}
    for path in copies:
        arts = articles(path)
        assert [a["label"] for a in arts] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
        assert arts[0]["title"] not in titles, "a copy has a title of its own"
        assert path.read_text(encoding="utf-8") not in {p.read_text(encoding="utf-8")
                                                        for p in originals}
    # other places, other years: the facts of the copies spread
    facts = [articles(p)[0] for p in copies]
    assert len({f["city"] or f["province"] for f in facts}) > 3
    assert {f["year"] for f in facts} - {y for _, _, y in LAWS}

    scale_corpus.make_corpus(src, tmp_path / "b", 3, seed=1)
    scale_corpus.make_corpus(src, tmp_path / "c", 3, seed=2)
    again = sorted((tmp_path / "b").glob("x0[12]/**/*.md"))
    other = sorted((tmp_path / "c").glob("x0[12]/**/*.md"))
    text = lambda ps: [p.read_text(encoding="utf-8") for p in ps]   # noqa: E731
    assert text(again) == text(copies), "same seed, same corpus"
    assert text(other) != text(copies)


def test_articles_move_between_documents_of_one_kind(tmp_path):
    src = make_source(tmp_path / "src")
    scale_corpus.make_corpus(src, tmp_path / "out", 8, seed=3)
    borrowed = 0
    for path in (tmp_path / "out").glob("x0[1-7]/地方性法规/*.md"):
        own = path.name.split("条例")[0]
        for art in articles(path):
            borrowed += not any(name in art["text"] for _, name, _ in LAWS
                                if name in own) and any(name in art["text"] for _, name, _ in LAWS)
    assert borrowed > 0


def test_factor_one_is_the_original_corpus(tmp_path):
    src = make_source(tmp_path / "src")
    assert scale_corpus.make_corpus(src, tmp_path / "one", 1) == len(LAWS)
    assert [p.name for p in (tmp_path / "one").rglob("*.md")]
    assert not list((tmp_path / "one").glob("x01"))
