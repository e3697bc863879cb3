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

from indexer.html_text import html_to_text
from indexer.textcodec import MIXED, UnreadableFile, decode_bytes

__all__ = ["SUPPORTED_SUFFIXES", "UnreadableFile", "iter_source_files", "read_document",
           "decode_bytes", "html_to_text", "meta_for", "META_SUFFIX"]

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
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
    found: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):   # does not follow dir symlinks
                dirnames[:] = [d for d in dirnames if not _is_hidden(d)]
                for name in filenames:
                    if not _is_hidden(name) and not name.endswith(META_SUFFIX):
                        found.add(Path(dirpath) / name)
        elif not p.name.endswith(META_SUFFIX):
            found.add(p)                                      # named explicitly: even if hidden
    yield from sorted(found, key=lambda f: f.as_posix())


# --- reading ---------------------------------------------------------------------------

_XML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>])", re.I)


def read_document(path: Path | str) -> str:
    """The text of one document, paragraphs separated by "\\n". Raises UnreadableFile."""
    return load_document(path)[1]


def load_document(path: Path | str) -> tuple[bytes, str, list[str]]:
    """(the file's bytes, its text, notes for the user): callers that hash the file need
    not read it twice; a note says e.g. that the file mixed two encodings."""
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
        elif suffix == ".pdf":
            text = _pdf_text(data)
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
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile("这是旧版 Word（.doc）文件，请另存为 .docx")
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
        _docx_blocks(document.iter_inner_content(), lines)
    except UnreadableFile:
        raise
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:          # zipfile, lxml, KeyError … all mean a broken package
        raise UnreadableFile("docx 文件损坏") from exc
    return "\n".join(lines)


def _docx_blocks(blocks, lines: list[str]) -> None:
    """Paragraphs and tables in body order. A table row is one line, its cells joined by
    tabs (a row of a 责任分工 table is one clause); merged cells are counted once."""
    from docx.table import Table
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
                    _docx_blocks(cell.iter_inner_content(), inner)
                    parts = [s for s in (t.strip() for t in inner) if s]
                    if len(parts) > 1 and any(len(s) > 40 for s in parts):
                        nested.extend(parts)     # a cell holding running text: keep its paragraphs
                    elif parts:
                        cells.append(" ".join(parts))
                if cells:
                    lines.append("\t".join(cells))
                lines.extend(nested)
        else:
            lines.append(block.text)


def _pdf_text(data: bytes) -> str:
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
    # pdfminer separates its layout boxes by blank lines and pages by form feeds; neither
    # is a paragraph break in a wrapped page, so every break becomes a plain line break
    # and cleaning decides from punctuation, numbering and line width what to join.
    lines = [ln for ln in _unify_breaks(text).split("\n") if ln.strip()]
    if not "".join(lines).strip():
        raise UnreadableFile("PDF 无文字层（可能是扫描件）")
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
