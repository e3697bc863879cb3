"""Chinese word segmentation for the Whoosh index (jieba via rjieba).

Why not jieba.analyse.ChineseAnalyzer: it stores character offsets in ``pos``,
so a phrase query ("条件保障" → 条件, 保障) looks for positions n, n+1 and never
matches.  Here ``pos`` counts words (0, 1, 2 …) and the offsets go to
``startchar``/``endchar``.

Recall: a policy compound kept whole by the dictionary (学前教育, 义务教育阶段,
课后服务 …) would hide its parts from a search for 教育 or 课后.  At index time the
tokenizer therefore also emits the dictionary words inside a compound (jieba's
search mode), *at the compound's position*, like synonyms.  Queries are segmented
without them, so a phrase such as "教育全覆盖" still finds "学前教育全覆盖"
(教育 shares 学前教育's position, 全覆盖 follows it).
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from pathlib import Path

import rjieba
from whoosh.analysis import Filter, Token, Tokenizer

from analyzers.normalize import normalize

# No HMM guessing of unknown words: it makes a word's segmentation depend on its
# neighbours, so a query and the same words inside a clause could be cut
# differently.  Dictionary-only cutting is context-free for unknown words (they
# fall apart into single characters on both sides).  On random 2–6 character
# substrings of data/corpus, AND-query recall was 0.52 without HMM vs 0.44 with
# it (phrase recall equal, 0.38); index-time subwords added 5 points to both.
HMM = False

USERDICT_PATH = Path(__file__).resolve().parent.parent / "data" / "userdict.txt"

# rjieba keeps one process-wide dictionary: load our words into it exactly once,
# before the first segmentation, even when several threads index at once.
_userdict_lock = threading.Lock()
_userdict_loaded = False


def parse_userdict(text: str) -> list[tuple[str, int | None, str | None]]:
    """jieba user-dictionary lines ``word [freq] [tag]`` → (word, freq, tag).

    Blank lines and ``#`` comments are skipped; a missing freq lets jieba pick
    one just high enough to keep the word whole.
    """
    entries = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        for extra in parts[1:3]:
            if extra.isdigit():
                freq = int(extra)
            else:
                tag = extra
        entries.append((normalize(word), freq, tag))
    return entries


def ensure_userdict(path: Path = USERDICT_PATH) -> None:
    """Add the policy-term dictionary to rjieba's global dictionary (idempotent)."""
    global _userdict_loaded
    if _userdict_loaded:
        return
    with _userdict_lock:
        if _userdict_loaded:
            return
        if path.exists():
            for word, freq, tag in parse_userdict(path.read_text(encoding="utf-8")):
                rjieba.add_word(word, freq, tag)
        _userdict_loaded = True


def _is_word(text: str) -> bool:
    """False for whitespace/punctuation-only pieces (。 、 “ % \\n …)."""
    return any(ch.isalnum() for ch in text)


def segment(text: str, subwords: bool = False) -> list[tuple[str, int, int, bool]]:
    """Split normalised text into (word, start, end, is_subword), document order.

    Main words tile the text; with ``subwords`` each main word is followed by the
    shorter dictionary words jieba's search mode finds inside it.
    """
    ensure_userdict()
    words = [(w, s, e, False) for w, s, e in rjieba.tokenize(text, hmm=HMM) if _is_word(w)]
    if not subwords:
        return words
    inner: dict[int, list[tuple[str, int, int]]] = {}
    main_spans = {(s, e) for _, s, e, _ in words}
    starts = [s for _, s, _, _ in words]
    ends = [e for _, _, e, _ in words]
    for w, s, e in rjieba.tokenize(text, mode="search", hmm=HMM):
        if (s, e) in main_spans or not _is_word(w):
            continue
        # the main word containing this piece (search mode never crosses words)
        i = bisect_right(starts, s) - 1
        if i >= 0 and e <= ends[i]:
            inner.setdefault(starts[i], []).append((w, s, e))
    out = []
    for word in words:
        out.append(word)
        out.extend((w, s, e, True) for w, s, e in inner.get(word[1], ()))
    return out


class JiebaTokenizer(Tokenizer):
    """Segments Chinese (and mixed) text into words with rjieba.

    Text is width-normalised first (1:1, so offsets still index the original) and
    each word lower-cased.  ``pos`` is the ordinal of the word; at index time
    (``mode="index"``) and with ``subwords=True`` the parts of a compound are
    emitted too, sharing its ``pos``.

    >>> [t.text for t in JiebaTokenizer()("加强条件保障。")]
    ['加强', '条件', '保障']
    """

    def __init__(self, subwords: bool = True):
        self.subwords = subwords

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.subwords == other.subwords

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        assert isinstance(value, str), "%r is not str" % value
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # whole value as one term (used by the query parser for wildcards etc.)
            t.original = t.text = normalize(value).lower()
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return

        pieces = segment(normalize(value), subwords=self.subwords and mode == "index")
        pos = start_pos - 1
        for word, start, end, is_sub in pieces:
            if not is_sub:
                pos += 1
            t.text = word.lower()
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


# Function words that carry no meaning on their own; only ever single-character
# tokens, so removing them never splits a compound's subwords from their word.
CHINESE_STOP_WORDS = frozenset(
    "的 地 得 了 着 和 与 及 或 并 而 且 之 其 等 在 对 为 于 以 由 将 把 被 是 也 又 就 都 即 "
    "要 应 该 从 向 按 给 让".split()
)


class PolicyStopFilter(Filter):
    """Drops stop words and renumbers positions, keeping shared positions shared.

    Whoosh's StopFilter renumbers by counting tokens, which would pull a
    compound's subwords (same ``pos`` as the compound) onto separate positions.
    Here each removed position shifts the following ones down by one instead.
    """

    def __init__(self, stoplist=CHINESE_STOP_WORDS):
        self.stops = frozenset(stoplist)

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.stops == other.stops

    def __call__(self, tokens):
        stops = self.stops
        shift = 0
        for t in tokens:
            if t.text in stops:
                if t.removestops:
                    shift += 1 if t.positions else 0
                    continue
                t.stopped = True
            else:
                t.stopped = False
            if t.positions and shift:
                t.pos -= shift
            yield t


def policy_analyzer(stoplist=CHINESE_STOP_WORDS, subwords: bool = True):
    """The index/query analyzer: jieba words, normalised, minus function words.

    Composed like Whoosh's StandardAnalyzer (tokenizer | filters), so it pickles
    with the schema: it holds only a flag and a frozenset.
    """
    chain = JiebaTokenizer(subwords=subwords)
    if stoplist:
        chain = chain | PolicyStopFilter(stoplist)
    return chain


_query_analyzer = None


def cut(text: str) -> list[str]:
    """Query-time split: the terms the index would hold for ``text``, in order
    (no subwords, no stop words), e.g. cut("化解大班额") == ["化解", "大班额"]."""
    global _query_analyzer
    if _query_analyzer is None:
        _query_analyzer = policy_analyzer()
    return [t.text for t in _query_analyzer(text, mode="query")]
