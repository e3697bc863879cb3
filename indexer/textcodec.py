"""Bytes → str for text files of unknown encoding (UTF-8, GB18030/GBK, Big5, UTF-16).

Chinese legacy encodings overlap: almost any Big5 byte string is also valid GB18030
(as nonsense), and short GBK strings are often valid Big5. Statistical detectors guess
wrong on short texts, so the order here is: byte-order mark, strict UTF-8, then the
candidate that decodes with the fewest errors and implausible characters (private-use
area, kana, box drawing … are what a wrong CJK codec produces), preferring GB18030 on a
tie; charset-normalizer is asked only when no candidate decodes cleanly.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

_SAMPLE = 64 * 1024
_WHITESPACE_CONTROLS = set(b"\t\n\r\x0b\x0c\x1a\x1b")
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in _WHITESPACE_CONTROLS)   # deleted to count them


class UnreadableFile(Exception):
    """A file that cannot become text. `reason` (short, Chinese) is shown to the user."""

    def __init__(self, reason: str, path: Path | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the head: an image, archive, .xls …, not text."""
    sample = data[:_SAMPLE]
    if not sample:
        return False
    nul = sample.count(0)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return nul > max(0, len(sample) // 1000) or controls > len(sample) * 0.05


# Codec used when a detector or a <meta charset> names one of these: GB18030 is a superset
# of GBK and GB2312, cp950 of Big5 (it has the characters Big5 lacks, e.g. 碁 銹).
_PREFERRED = {
    "gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "gb18030": "gb18030",
    "x-gbk": "gb18030", "euc-cn": "gb18030", "hz": "gb18030",
    "big5": "cp950", "cp950": "cp950", "big5-tw": "cp950", "x-x-big5": "cp950",
    "big5hkscs": "big5hkscs", "utf8": "utf-8", "utf-8": "utf-8",
}
_CANDIDATES = ("gb18030", "cp950")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower().replace("_", "-")
    if name in _PREFERRED:
        return _PREFERRED[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# Characters a wrong CJK decoding produces but Chinese policy text hardly uses: U+FFFD,
# private use, kana, bopomofo, Hangul, box drawing, CJK extension A, compatibility
# ideographs, vertical and small forms, Greek and Cyrillic, C1 controls, supplementary
# ideographs. One character class, so a file's 64 KB sample is scanned in C (a Python
# loop over its characters was a fifth of the whole build).
_IMPLAUSIBLE = re.compile(
    "[\ufffd\ue000-\uf8ff\u3040-\u30ff\u3100-\u312f\u1100-\u11ff\u3130-\u318f"
    "\uac00-\ud7af\u2500-\u259f\u3400-\u4dbf\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe6f"
    "\u0370-\u04ff\u0080-\u009f\U00020000-\U0010ffff]")


def _implausible_count(sample: str) -> int:
    return len(_IMPLAUSIBLE.findall(sample))


def _badness(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:_SAMPLE]
    bad = _implausible_count(sample)
    bad += 9 * sample.count("\ufffd")          # a decoding error weighs more than an odd char
    return bad / len(sample)


def _odd_share(text: str) -> float:
    """Share of the non-ASCII characters that are implausible in Chinese text."""
    sample = text[:_SAMPLE]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    if not non_ascii:
        return 0.0
    return _implausible_count(sample) / non_ascii


def _try(data: bytes, codec: str) -> tuple[str, float]:
    text = data.decode(codec, errors="replace")
    return text, _badness(text)


MIXED = "utf-8+gb18030"


def _utf8_with_gb_runs(data: bytes) -> str | None:
    """Line by line, the text when most lines with Chinese are UTF-8 and the others read
    cleanly as GB18030 (a GBK line can even be valid UTF-8 by accident: 施 → ʩ, which the
    odd-character test catches); None when the file is not that kind of mix."""
    out, utf8_lines, gb_lines = [], 0, 0
    for line in data.split(b"\n"):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            text = line.decode("utf-8")
            odd = _odd_share(text) > 0
        except UnicodeDecodeError:
            text, odd = None, True
        if odd:
            try:
                other = line.decode("gb18030")
            except UnicodeDecodeError:
                other = None
            if other is not None and _odd_share(other) == 0:
                out.append(other)
                gb_lines += 1
                continue
            if text is None:
                text = line.decode("utf-8", errors="replace")
        out.append(text)
        utf8_lines += 1
    if not gb_lines or utf8_lines < gb_lines:
        return None
    return "\n".join(out)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, codec name). Never fails on an undecodable byte (U+FFFD replaces it);
    raises UnreadableFile for binary data. `declared` is an encoding the file names
    itself (HTML <meta charset>), trusted when the bytes decode under it without error."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                       (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec
    if looks_binary(data):
        raise UnreadableFile("二进制文件，不是文本")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # short GBK can be valid UTF-8 too (学校 → "ѧУ"): Cyrillic where Chinese was meant
        if _odd_share(text) < 0.5:
            return text, "utf-8"
        for codec in _CANDIDATES:
            try:
                other = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _odd_share(other) == 0:
                return other, codec
        return text, "utf-8"
    declared = _codec(declared)
    if declared and declared not in ("utf-8", "ascii"):
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    # UTF-8 with GBK lines pasted in (an edited file, two sources joined): each part in
    # its own encoding, and the codec name says it was mixed
    mixed = _utf8_with_gb_runs(data)
    if mixed is not None:
        return mixed, MIXED
    # UTF-8 with a few damaged bytes (a truncated download) is still UTF-8
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") < len(text) * 0.01 and _odd_share(text) < 0.05:
        return text, "utf-8"
    best: tuple[float, str, str] | None = None
    for codec in _CANDIDATES:                   # in order of preference: ties keep GB18030
        text, bad = _try(data, codec)
        if best is None or bad < best[0]:
            best = (bad, text, codec)
    assert best is not None
    if best[0] > 0.02:
        guessed = _normalizer_guess(data)
        if guessed and guessed not in _CANDIDATES:
            text, bad = _try(data, guessed)
            if bad < best[0]:
                best = (bad, text, guessed)
    return best[1], best[2]


def _normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
        match = from_bytes(data[:_SAMPLE]).best()
    except Exception:       # a detector failure only means no second opinion
        return None
    return _codec(match.encoding) if match else None
