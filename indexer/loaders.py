"""Reading source files: bytes on disk → Unicode text, one paragraph (or layout line) per line.

This is the I/O edge of the ingest pipeline. Whatever a file holds, `read_document`
either returns text or raises `UnreadableFile` with a short Chinese reason that the
indexer reports per file; library errors never escape. Cleaning the text (web chrome,
broken lines) is `indexer.cleaning`'s job, not this module's.
"""
from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from indexer.textcodec import MIXED, UnreadableFile, decode_bytes

__all__ = ["SUPPORTED_SUFFIXES", "UnreadableFile", "iter_source_files", "read_document",
           "decode_bytes", "html_to_text", "meta_for", "META_SUFFIX"]

def html_to_text(html: str) -> str:
    """indexer.html_text.html_to_text, imported when a web page is first read (lxml
    costs a one-file update's start-up otherwise)."""
    from indexer.html_text import html_to_text as convert
    return convert(html)


SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".doc", ".pdf"}
META_SUFFIX = ".meta.json"
MAX_BYTES = 200 * 1024 * 1024     # larger files are not policy documents; refuse, don't swap
MAX_DOCX_UNPACKED = 256 * 1024 * 1024   # a docx's parts once inflated (text, images …)


def _is_hidden(name: str) -> bool:
    # "~$x.docx" is Word's lock file beside an open document, not a document
    return name.startswith(".") or name.startswith("~$")


def iter_source_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Every file under `paths` (files or directories, recursive), sorted, once each.

    Hidden files and directories and `*.meta.json` sidecars are skipped. Files of an
    unsupported type ARE yielded: `read_document` then raises UnreadableFile naming the
    type, so the caller reports them as skipped instead of losing them silently. A path
    that does not exist is yielded too (read_document reports "文件不存在")."""
    for f in source_file_names(paths):
        yield Path(f)


def source_file_names(paths: Iterable[Path | str]) -> list[str]:
    """iter_source_files as strings: an update looks at every file of the folder and
    opens only the changed ones; a Path object each cost it 10 µs a file."""
    found: set[str] = set()         # strings: a large folder's Path objects cost more
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):   # does not follow dir symlinks
                dirnames[:] = [d for d in dirnames if not _is_hidden(d)]
                found.update(os.path.join(dirpath, name) for name in filenames
                             if not _is_hidden(name) and not name.endswith(META_SUFFIX))
        elif not p.name.endswith(META_SUFFIX):
            found.add(str(p))                                 # named explicitly: even if hidden
    return sorted(found, key=lambda f: f.replace(os.sep, "/"))


# --- reading ---------------------------------------------------------------------------

_XML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>])", re.I)


def read_document(path: Path | str, *, ocr: bool = False) -> str:
    """The text of one document, paragraphs separated by "\\n". Raises UnreadableFile."""
    return load_document(path, ocr=ocr)[1]


def load_document(path: Path | str, *, ocr: bool = False) -> tuple[bytes, str, list[str]]:
    """(the file's bytes, its text, notes for the user): callers that hash the file need
    not read it twice; a note says e.g. that the file mixed two encodings. With `ocr`,
    PDF pages without a text layer are read by OCR (slow; indexer.ocr)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"不支持的文件类型 {suffix}" if suffix else "不支持的文件类型（无扩展名）", path)
    try:
        if not path.is_file():
            raise UnreadableFile("文件不存在" if not path.exists() else "不是普通文件", path)
        size = path.stat().st_size
        if size == 0:
            raise UnreadableFile("空文件", path)
        if size > MAX_BYTES:
            raise UnreadableFile(f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB）", path)
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"无法读取：{exc.strerror or type(exc).__name__}", path) from exc
    notes: list[str] = []
    try:
        if suffix == ".docx":
            text = _docx_text(data)
        elif suffix == ".doc":
            text = _doc_text(data)
        elif suffix == ".pdf":
            text = _pdf_text(data, ocr, path.name, notes)
        else:
            text, codec = _text_file(data, suffix)
            if codec == MIXED:
                notes.append("文件中混有 UTF-8 与 GBK 编码的行，已逐行识别；请核对并统一另存为 UTF-8")
    except UnreadableFile as exc:
        exc.path = path
        raise
    except (RecursionError, MemoryError) as exc:     # hostile nesting / sizes
        raise UnreadableFile(f"文件结构异常，无法解析（{type(exc).__name__}）", path) from exc
    text = _unify_breaks(text)
    if not text.strip():
        raise UnreadableFile("网页中没有正文" if suffix in (".html", ".htm") else "空文件", path)
    return data, text, notes


def _unify_breaks(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\u2028\u2029\x0b\x0c\x85]", "\n", text)


def _text_file(data: bytes, suffix: str) -> tuple[str, str]:
    """(text, the codec it was decoded with)."""
    looks_html = suffix in (".html", ".htm") or bool(_HTML_SNIFF.match(data[:512]))
    text, codec = decode_bytes(data, declared=_declared_charset(data) if looks_html else None)
    if not text.strip():
        raise UnreadableFile("空文件")
    if looks_html:
        # a page saved as .txt is still a page: take its body, not its markup
        return html_to_text(text), codec
    if suffix == ".md":
        # comments are not text, but a one-line marker stays as a line of its own: the
        # lawrefbook header ends at <!-- INFO END -->, and the facts reader needs it
        text = _XML_COMMENT.sub(lambda m: m.group() if "\n" not in m.group() else "", text)
    return text, codec


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,20})""", re.I)


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _docx_text(data: bytes) -> str:
    if data[:8] == OLE_MAGIC:
        return _doc_text(data)           # an old .doc renamed .docx: read it as one
    if not data.startswith(b"PK"):
        raise UnreadableFile("docx 文件损坏")
    import io
    import zipfile

    import docx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            # zipfile never inflates a part past its declared size, so the sum bounds
            # what python-docx will hold: a 3 MB file that inflates to 1 GB is refused
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableFile("docx 文件损坏（不是完整的 zip 包），请用 Word 重新保存") from exc
    if unpacked > MAX_DOCX_UNPACKED:
        raise UnreadableFile(f"docx 解压后过大（{unpacked / 2**20:.0f} MB，上限 "
                             f"{MAX_DOCX_UNPACKED // 2**20} MB），可能是压缩炸弹；"
                             "请删去图片等大附件后另存")
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _docx_blocks(document.iter_inner_content(), lines, _list_numberer(document))
    except UnreadableFile:
        raise
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:          # zipfile, lxml, KeyError … all mean a broken package
        raise UnreadableFile("docx 文件损坏") from exc
    return "\n".join(lines)


def _list_numberer(document):
    """The document's Word list numbering (labels such as 一、 that live outside the text)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    from indexer.docx_numbering import ListNumberer
    try:
        numbering = document.part.part_related_by(RT.NUMBERING).blob
    except (KeyError, AttributeError):
        numbering = None
    styles = etree.tostring(document.styles.element) if numbering else None
    return ListNumberer(numbering, styles)


def _docx_blocks(blocks, lines: list[str], numberer=None) -> None:
    """Paragraphs and tables in body order. A table row is one line, its cells joined by
    tabs (a row of a 责任分工 table is one clause); merged cells are counted once.
    A paragraph numbered by Word's list feature gets the label Word shows before it."""
    from docx.table import Table

    from indexer.docx_numbering import paragraph_numbering
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                cells, seen = [], set()
                nested: list[str] = []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    inner: list[str] = []
                    _docx_blocks(cell.iter_inner_content(), inner, numberer)
                    parts = [s for s in (t.strip() for t in inner) if s]
                    if len(parts) > 1 and any(len(s) > 40 for s in parts):
                        nested.extend(parts)     # a cell holding running text: keep its paragraphs
                    elif parts:
                        cells.append(" ".join(parts))
                if cells:
                    lines.append("\t".join(cells))
                lines.extend(nested)
        else:
            label = numberer.label(paragraph_numbering(block._p)) if numberer else ""
            text = block.text
            # an empty numbered paragraph still counts (Word shows its number) but is no line
            lines.append(label + text.lstrip() if label and text.strip() else text)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # Word 97–2003 (and other OLE2) files
DOC_TIMEOUT = 120                                     # seconds for one .doc conversion
# Debian's converters of Word 97–2003 files, tried in order. catdoc reads the small files
# antiword refuses ("text stream too small"); both decode the UTF-16 text pieces Chinese
# .doc files hold. -w / -w 0: one paragraph per line, no rewrapping at 80 columns.
DOC_CONVERTERS = (("catdoc", ["catdoc", "-w", "-d", "utf-8"]),
                  ("antiword", ["antiword", "-w", "0", "-m", "UTF-8.txt"]))
DOC_NEEDS = "旧版 Word（.doc）文件需要 catdoc 或 antiword 才能读取（运行 scripts/install-system.sh 安装，或另存为 .docx）"


def _doc_text(data: bytes) -> str:
    """Text of a Word 97–2003 .doc through catdoc, else antiword. A .doc that is really
    a .docx, an HTML page or RTF (web sites serve all three as .doc) is read as what it is."""
    if data.startswith(b"PK"):
        return _docx_text(data)
    if _HTML_SNIFF.match(data[:512]):
        return _text_file(data, ".html")[0]
    if data.lstrip()[:5] == b"{\\rtf":
        raise UnreadableFile("这是 RTF 文件（扩展名为 .doc），请用 Word 另存为 .docx")
    if data[:8] != OLE_MAGIC:
        raise UnreadableFile(".doc 文件损坏（不是 Word 97–2003 文档）")
    import shutil
    import subprocess
    import tempfile
    installed = [(name, cmd) for name, cmd in DOC_CONVERTERS if shutil.which(cmd[0])]
    if not installed:
        raise UnreadableFile(DOC_NEEDS)
    failures = []
    # the converters read a named file; the bytes are already in memory (and hashed)
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        for name, cmd in installed:
            try:
                done = subprocess.run(cmd + [tmp.name], capture_output=True, timeout=DOC_TIMEOUT)
            except subprocess.TimeoutExpired:
                failures.append(f"{name} 超时")
                continue
            except OSError as exc:
                failures.append(f"{name} 无法运行（{exc.strerror or exc}）")
                continue
            text = done.stdout.decode("utf-8", "replace")
            if done.returncode == 0 and text.strip():
                return text
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            failures.append(f"{name}：{err[-1][:80] if err else '无输出'}")
    raise UnreadableFile(f".doc 文件无法读取（{'；'.join(failures)}），请用 Word 另存为 .docx")


def _pdf_text(data: bytes, ocr: bool = False, name: str = "", notes: list[str] | None = None) -> str:
    head = data[:1024]
    if b"%PDF-" not in head:
        raise UnreadableFile("PDF 文件损坏")
    import io

    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    quiet = logging.getLogger("pdfminer")
    level = quiet.level
    quiet.setLevel(logging.ERROR)       # pdfminer warns per glyph on odd fonts
    try:
        text = extract_text(io.BytesIO(data))
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise UnreadableFile("PDF 已加密，无法提取文字") from exc
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:
        raise UnreadableFile("PDF 文件损坏") from exc
    finally:
        quiet.setLevel(level)
    # pdfminer ends every page with a form feed: a page with nothing before its form
    # feed has no text layer (a scanned page)
    pages = text.split("\x0c")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    blank = [i + 1 for i, page in enumerate(pages) if not page.strip()]
    if ocr and blank:
        from indexer.ocr import OcrUnavailable, ocr_pdf_pages
        try:
            read = ocr_pdf_pages(data, blank, name)
        except OcrUnavailable as exc:
            if len(blank) == len(pages):
                raise UnreadableFile(f"PDF 无文字层（可能是扫描件）；--ocr {exc}") from exc
            read = {}
            if notes is not None:
                notes.append(f"{len(blank)} 页没有文字层，未识别：--ocr {exc}")
        for page, page_text in read.items():
            pages[page - 1] = page_text
        if read and notes is not None:
            notes.append(f"{len(read)} 页没有文字层，已用 OCR 识别，文字可能有误，请核对")
    # pdfminer separates its layout boxes by blank lines; neither they nor page ends are
    # paragraph breaks in a wrapped page, so every break becomes a plain line break and
    # cleaning decides from punctuation, numbering and line width what to join.
    lines = [ln for ln in _unify_breaks("\n".join(pages)).split("\n") if ln.strip()]
    if not "".join(lines).strip():
        if ocr:
            raise UnreadableFile("PDF 无文字层，OCR 也未识别出文字（扫描质量过低或不是中文）")
        raise UnreadableFile("PDF 无文字层（可能是扫描件），可用 --ocr 识别")
    return "\n".join(lines)


# --- sidecar metadata ------------------------------------------------------------------

def sidecar_paths(path: Path) -> list[Path]:
    """Where a file's metadata may live: `foo.txt.meta.json` (specific to one file when
    foo.txt and foo.pdf sit side by side), then `foo.meta.json`."""
    return [path.with_name(path.name + META_SUFFIX), path.with_name(path.stem + META_SUFFIX)]


def meta_for(path: Path | str) -> tuple[dict, list[str]]:
    """Sidecar metadata of `path` and warnings about it.

    Returns ({}, []) when there is no sidecar. A sidecar that cannot be read, is not
    valid JSON or is not a JSON object gives ({}, [warning]) — a bad sidecar must not
    cost the document, so this never raises."""
    path = Path(path)
    for meta in sidecar_paths(path):
        if not meta.is_file():
            continue
        try:
            raw = meta.read_bytes()
        except OSError as exc:
            return {}, [f"元数据文件 {meta.name} 无法读取：{exc.strerror or exc}"]
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text, _ = decode_bytes(raw)
            except UnreadableFile:
                return {}, [f"元数据文件 {meta.name} 不是文本，已忽略"]
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            where = f"（第 {exc.lineno} 行）" if hasattr(exc, "lineno") else ""
            return {}, [f"元数据文件 {meta.name} 不是合法的 JSON{where}，已忽略"]
        if not isinstance(value, dict):
            return {}, [f"元数据文件 {meta.name} 应是 JSON 对象（{{…}}），已忽略"]
        return value, []
    return {}, []
