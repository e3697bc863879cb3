"""A folder of many kinds of bad file mixed with good ones: nothing good is lost, every
bad file gets one plain-Chinese line, and the run completes."""
import io
import os
import re
import zipfile

import pytest

from indexer import loaders
from indexer.writer import build_index
from tests.test_writer import PLAN, total

def good(city: str, n: int, encoding: str = "utf-8", bom: bytes = b"") -> bytes:
    return bom + PLAN.format(city=city, n=n).encode(encoding)


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def docx_bomb(inflated: int) -> bytes:
    """A real docx whose document part inflates to `inflated` bytes of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes(["正文"]))) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("word/padding.xml", "w") as fh:
            chunk = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                fh.write(chunk)
    return out.getvalue()


LAWREF_HEADER_ONLY = "# 某某条例\n\n<!-- INFO END -->\n"

BAD = {                                  # name → bytes; each must be skipped, one line
    "empty.txt": b"",
    "spaces.txt": b" \n\t\n\xe3\x80\x80\n",
    "binary.txt": bytes(range(256)) * 40,
    "nul.txt": b"\x00" * 4096,
    "elf.pdf": b"\x7fELF\x02\x01\x01" + b"\x00" * 500,
    "corrupt.pdf": b"%PDF-1.7\n" + os.urandom(2000),
    "truncated.docx": docx_bytes(["正文。" * 300])[:1500],
    "text.docx": "其实是文本".encode(),
    "old.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000,
    "bomb.docx": None,                   # filled in by the fixture (cap lowered there)
    "table.xls": b"whatever",
    "noext": b"no extension",
    "nav.html": "<html><body><nav>首页 &gt; 通知</nav><footer>版权所有</footer></body></html>".encode(),
    "script.html": b"<html><body><script>var a=1;</script></body></html>",
    "header.md": LAWREF_HEADER_ONLY.encode(),
    "images.docx": docx_bytes([]),
    "controls.txt": bytes(range(1, 9)) * 300,
}
GOOD = {
    "utf8.txt": good("甲市", 1),
    "bom.txt": good("乙市", 2, bom=b"\xef\xbb\xbf"),
    "gbk.txt": good("丙市", 3, "gbk"),
    "big5.txt": ("丁市學前教育三年行動計劃\n\n一、擴大普惠性資源。新建幼兒園4所，化解大班額。\n\n"
                 "二、加強教師隊伍建設。落實縣管校聘改革。\n").encode("big5"),
    "utf16.txt": good("戊市", 5, "utf-16"),
    "page.html": ("<html><head><meta charset='utf-8'><title>己市学前教育三年行动计划</title></head>"
                  "<body><nav>首页</nav><div class='article'>" +
                  PLAN.format(city="己市", n=6).replace("\n", "<br>") + "</div></body></html>").encode(),
    "word.docx": docx_bytes(PLAN.format(city="庚市", n=7).split("\n")),
    "deep.md": good("辛市", 8),
    "nested.html": ("<html><body>" + "<div>" * 3000 + PLAN.format(city="癸市", n=10).replace(
        "\n", "<br>") + "</div>" * 3000 + "</body></html>").encode(),
    "mixed.txt": PLAN.format(city="子市", n=11).split("二、")[0].encode("utf-8") +
    ("二、" + PLAN.format(city="子市", n=11).split("二、")[1]).encode("gbk"),
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_DOCX_UNPACKED", 8 << 20)
    docs = tmp_path / "docs"
    docs.mkdir()
    files = {**BAD, "bomb.docx": docx_bomb(16 << 20), **GOOD}
    for name, data in files.items():
        (docs / name).write_bytes(data)
    (docs / "dangling.txt").symlink_to(docs / "gone.txt")
    os.makedirs(docs / "sub")
    with open(os.path.join(os.fsencode(docs / "sub"), b"\xff\xfe-bad-name.txt"), "wb") as fh:
        fh.write(good("壬市", 9))
    # sidecars that are wrong: the good file is indexed anyway, with a warning
    (docs / "utf8.meta.json").write_text('{"year": 99999, "city": 42}', encoding="utf-8")
    (docs / "bom.meta.json").write_text("{not json", encoding="utf-8")
    return docs


def test_bad_files_are_reported_one_line_each_and_good_ones_indexed(folder, tmp_path):
    lines = []
    report = build_index([folder], tmp_path / "ix", log=lines.append)
    skipped = dict(report.skipped)
    bad_names = set(BAD) | {"dangling.txt"}
    assert bad_names <= set(skipped), bad_names - set(skipped)
    assert len(skipped) == len(bad_names) + 1            # + the undecodable file name
    assert report.read == len(GOOD), sorted(skipped)
    assert report.total_clauses == 2 * len(GOOD)
    for name, reason in report.skipped:
        assert re.search(r"[\u4e00-\u9fff]", reason), (name, reason)
        assert not re.search(r"Error|Exception|Traceback", reason), (name, reason)
        assert sum(line.startswith(f"跳过 {name}：") for line in lines) == 1, name
    assert "压缩炸弹" in skipped["bomb.docx"]
    assert any(line.startswith("提示 utf8.txt：") for line in lines)
    assert any(line.startswith("提示 bom.txt：") for line in lines)
    from search_app.engine import SearchEngine
    engine = SearchEngine(tmp_path / "ix")
    for n in (1, 2, 3, 5, 6, 7, 8, 10, 11):
        assert total(engine, f"新建幼儿园{n}所") == 1, n
    assert total(engine, "新建幼兒園4所") == 1
    assert total(engine, "落实县管校聘改革") == len(GOOD) - 1          # big5 says 落實
    assert any(line.startswith("提示 mixed.txt：文件中混有 UTF-8 与 GBK") for line in lines)


def test_a_good_file_turned_bad_keeps_its_clauses(folder, tmp_path):
    build_index([folder], tmp_path / "ix", log=lambda m: None)
    (folder / "gbk.txt").write_bytes(b"\x00\x01binary" * 100)
    (folder / "word.docx").write_bytes(b"PK\x03\x04broken")
    report = build_index([folder], tmp_path / "ix", log=lambda m: None)
    assert {"gbk.txt", "word.docx"} <= set(dict(report.skipped))
    assert report.total_clauses == 2 * len(GOOD)


def test_a_first_run_where_every_file_is_skipped(tmp_path):
    """A new index whose only files are all unreadable: a summary, an empty index that
    answers searches, no traceback, no stray snapshot folder."""
    from indexer.writer import build_index
    from search_app.engine import SearchEngine
    from search_app.params import parse_search_params
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scan.txt").write_bytes(b"\x00\x01\x02\x03binary")
    report = build_index([docs], tmp_path / "ix", log=lambda _m: None)
    assert report.read == 0 and len(report.skipped) == 1 and report.total_clauses == 0
    assert sorted(p.name for p in (tmp_path / "ix").glob("snap_*")) == ["snap_0"]
    assert SearchEngine(tmp_path / "ix").search(parse_search_params({"q": "教育"}))["total"] == 0
