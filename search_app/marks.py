"""Marking matches in clause text: everything HTML-escaped, only <mark> added."""
from __future__ import annotations

import html
from typing import Iterable

from analyzers.normalize import normalize

FRAGMENT_CHARS = 120


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-empty, non-overlapping spans."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def match_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of any needle (width-normalised), merged.
    normalize() maps one character to one, so the spans index the original text."""
    norm = normalize(text)
    spans = []
    for needle in {normalize(n) for n in needles if n and n.strip()}:
        i = norm.find(needle)
        while i != -1:
            spans.append((i, i + len(needle)))
            i = norm.find(needle, i + 1)
    return merge_spans(spans)


def mark_spans(text: str, spans: Iterable[tuple[int, int]], start: int = 0,
               end: int | None = None) -> str:
    """Escape text[start:end], wrapping the spans in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in merge_spans(spans):
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def mark_text(text: str, needles: list[str]) -> str:
    return mark_spans(text, match_spans(text, needles))


def fragment(text: str, needles: list[str], width: int = FRAGMENT_CHARS) -> str:
    """A short window around the first match (or the opening), marked and escaped."""
    spans = match_spans(text, needles)
    if not spans:
        end = min(len(text), width)
        return mark_spans(text, [], 0, end) + ("…" if end < len(text) else "")
    first = spans[0][0]
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    return (("…" if start else "") + mark_spans(text, spans, start, end)
            + ("…" if end < len(text) else ""))
