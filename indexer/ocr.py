"""Text of scanned PDF pages: each page rendered by poppler's pdftoppm and read by
Tesseract with its Simplified Chinese model (chi_sim).

Both are Debian packages (poppler-utils, tesseract-ocr, tesseract-ocr-chi-sim; see
scripts/install-system.sh), driven through their command lines: no Python binding adds
anything to what the programs do, and each page is one short-lived process, so a page
that crashes Tesseract costs that page only. OCR is slow (seconds per page), so it runs
only when the admin asks for it (`policy-search index --ocr`).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Sequence

LANG = "chi_sim"
DPI = 300                   # Tesseract's models are trained on ~300 dpi scans
PAGE_TIMEOUT = 300          # seconds; a page that takes longer is given up
# page segmentation mode 4, "a single column of text of variable sizes": a 公文 page is
# one column with a larger title; the default (3, full layout analysis) cuts long lines
# in two at wide gaps and reads the halves as separate columns
PSM = "4"
INSTALL_HINT = ("需要安装 tesseract-ocr、tesseract-ocr-chi-sim 与 poppler-utils"
                "（运行 scripts/install-system.sh，或 apt-get install tesseract-ocr "
                "tesseract-ocr-chi-sim poppler-utils）")

__all__ = ["LANG", "INSTALL_HINT", "OcrUnavailable", "missing_tools", "ocr_pdf_pages",
           "tidy_ocr_text"]


class OcrUnavailable(RuntimeError):
    """The programs OCR needs are not installed; the message says what to install."""


def missing_tools() -> str | None:
    """What stops OCR on this machine, in Chinese; None when everything is there."""
    if not shutil.which("pdftoppm"):
        return "未找到 pdftoppm，" + INSTALL_HINT
    if not shutil.which("tesseract"):
        return "未找到 tesseract，" + INSTALL_HINT
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "tesseract 无法运行，" + INSTALL_HINT
    if LANG not in out.split():
        return "tesseract 缺少简体中文语言包 chi_sim，" + INSTALL_HINT
    return None


_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
# between two Chinese characters, or a Chinese character and an ASCII bracket Tesseract
# read for a full-width one ("(一 ) 加强" is （一）加强)
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}()])[ \t]+(?=[{_CJK}()])")
_SPACE_BY_CJK_PUNCT = re.compile(r"[ \t]+(?=[，。、；：？！）》」』”’)])|(?<=[（《「『“‘(])[ \t]+")


def tidy_ocr_text(text: str) -> str:
    """Tesseract's chi_sim output with the spaces it puts between Chinese characters
    taken out (Chinese has no word spaces; "教 育 局" is 教育局), blank lines dropped.
    Spaces between Latin words and digits stay."""
    lines = []
    for line in text.replace("\x0c", "\n").split("\n"):
        line = _SPACE_BY_CJK_PUNCT.sub("", _SPACE_IN_CJK.sub("", line)).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def _show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def ocr_pdf_pages(data: bytes, pages: Sequence[int], name: str = "") -> dict[int, str]:
    """page number (1-based) → recognised text, for the given pages of a PDF.

    Raises OcrUnavailable when the tools are missing. A page that fails gives "" (the
    other pages still count). A progress bar (pages done / total, time left) is drawn
    on a terminal; it stays quiet when stderr is not a TTY or CI is set."""
    problem = missing_tools()
    if problem:
        raise OcrUnavailable(problem)
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm
    out: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="policy-ocr-") as tmp, \
            tqdm(total=len(pages), unit="页", desc=f"OCR {name}"[:40], leave=False,
                 disable=not _show_progress()) as bar:
        pdf = os.path.join(tmp, "in.pdf")
        with open(pdf, "wb") as fh:
            fh.write(data)
        # one single-threaded Tesseract per core, a page each (see _TESSERACT_ENV)
        with ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, len(pages)))) as pool:
            jobs = {pool.submit(_ocr_page, pdf, page, os.path.join(tmp, f"p{page}")): page
                    for page in pages}
            for job in as_completed(jobs):
                out[jobs[job]] = job.result()
                bar.update()
    return out


# Tesseract's OpenMP threads fight each other on a small machine: measured on 2 cores, an
# A4 page at 300 dpi takes 4 s with one thread and 20–60 s with two. So each Tesseract
# runs single-threaded and pages run side by side instead.
_TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _ocr_page(pdf: str, page: int, root: str) -> str:
    try:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile",
                        "-f", str(page), "-l", str(page), pdf, root],
                       capture_output=True, timeout=PAGE_TIMEOUT, check=True)
        done = subprocess.run(["tesseract", root + ".png", "stdout", "-l", LANG, "--psm", PSM,
                               "-c", "preserve_interword_spaces=1"],
                              capture_output=True, timeout=PAGE_TIMEOUT, check=True,
                              env=_TESSERACT_ENV)
    except (OSError, subprocess.SubprocessError):
        return ""
    finally:
        try:
            os.unlink(root + ".png")
        except OSError:
            pass
    return tidy_ocr_text(done.stdout.decode("utf-8", "replace"))
