"""What a typed query is about: its words, minus how it is asked, plus their equivalents.

Pure text in, words out. Keyword mode cuts each unspaced run of the query with the jieba
analyzer (policy dictionary plus every word of the vocabulary table, so 县中 is never
split into 县 / 中), drops question and function words (`data/query_stopwords.txt`)
and punctuation, and looks each remaining word up in the domain vocabulary
(`data/query_vocabulary.tsv`) for its abbreviations, full names and near-synonyms.

>>> query_words("如何解决大班额问题？")
['解决', '大班额']
>>> analyze("县中")[0].equivalents
(('县域普通高中', 0.8), ('县域高中', 0.8))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analyzers.normalize import normalize

DATA = Path(__file__).resolve().parent.parent / "data"
STOPWORDS_PATH = DATA / "query_stopwords.txt"
VOCABULARY_PATH = DATA / "query_vocabulary.tsv"

# How much an equivalent counts beside the word as typed (a typed word is 1.0)
SAME_WEIGHT = 0.8        # "=": 县中 → 县域普通高中
NEAR_WEIGHT = 0.6        # "≈": 随迁子女 → 流动人口子女


def _lines(text: str):
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


def parse_stopwords(text: str) -> frozenset[str]:
    return frozenset(normalize(w) for line in _lines(text) for w in line.split())


@dataclass
class Vocabulary:
    """Groups of words used for the same thing; `expansions` gives a word's others."""
    groups: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (kind, words)

    @classmethod
    def parse(cls, text: str) -> "Vocabulary":
        groups = []
        for line in _lines(text):
            kind, *words = line.split()
            if kind not in ("=", "≈") or len(words) < 2:
                continue                      # a malformed line is ignored, not fatal
            groups.append((kind, tuple(dict.fromkeys(normalize(w) for w in words))))
        return cls(groups)

    @property
    def words(self) -> set[str]:
        return {w for _, words in self.groups for w in words}

    def _direct(self, word: str) -> dict[str, float]:
        best: dict[str, float] = {}
        for kind, words in self.groups:
            if word in words:
                weight = SAME_WEIGHT if kind == "=" else NEAR_WEIGHT
                for w in words:
                    if best.get(w, 0) < weight:
                        best[w] = weight
        return best

    def expansions(self, word: str) -> tuple[tuple[str, float], ...]:
        """The word's equivalents with their weights, best first; the word itself is
        not among them. A word in several groups takes the highest weight; a word with
        the same meaning brings its own groups along (特教 = 特殊教育 ≈ 随班就读), weights
        multiplied."""
        word = normalize(word)
        best = self._direct(word)
        for same, w1 in list(best.items()):
            if w1 == SAME_WEIGHT and same != word:
                for w, w2 in self._direct(same).items():
                    if best.get(w, 0) < w1 * w2:
                        best[w] = w1 * w2
        best.pop(word, None)
        return tuple(sorted(((w, round(v, 3)) for w, v in best.items()),
                            key=lambda kv: (-kv[1], kv[0])))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from analyzers.tokenizer import CHINESE_STOP_WORDS
    own = parse_stopwords(STOPWORDS_PATH.read_text(encoding="utf-8")) \
        if STOPWORDS_PATH.exists() else frozenset()
    return own | CHINESE_STOP_WORDS


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    if not VOCABULARY_PATH.exists():
        return Vocabulary()
    return Vocabulary.parse(VOCABULARY_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class QueryWord:
    """One content word of a query: the word as typed, its equivalents from the
    vocabulary (with weights), and its parts when it is a compound the dictionary keeps
    whole (县域普通高中 → 县域 普通高中): all parts present also counts as the word."""
    text: str
    equivalents: tuple[tuple[str, float], ...] = ()
    parts: tuple[str, ...] = ()


def _vocab_spans(words: list[tuple[str, int, int, bool]], text: str,
                 terms: set[str], longest: int) -> list[tuple[int, int]]:
    """Vocabulary terms in the run that start and end on word boundaries, longest first
    (县中 is one word though jieba cuts 县/中; 高职 inside 提高职业 is not a term)."""
    bounds = {s for _, s, _, _ in words} | {e for _, _, e, _ in words}
    spans, i = [], 0
    while i < len(text):
        for j in range(min(len(text), i + longest), i + 1, -1):
            if i in bounds and j in bounds and text[i:j] in terms:
                spans.append((i, j))
                i = j
                break
        else:
            i += 1
    return spans


def compound_parts(word: str) -> tuple[str, ...]:
    """The words inside a compound, each of two or more characters, or () when the word
    is not one (a part of one character would match nearly everywhere)."""
    from analyzers.tokenizer import segment
    main = [w for w, _, _, _ in segment(word)]
    if len(main) < 2:
        inner = sorted(((s, -(e - s), w) for w, s, e, sub in segment(word, subwords=True)
                        if sub), key=lambda t: t[:2])
        main, pos = [], 0
        for s, neg_len, w in inner:          # tile the word with its longest subwords
            if s == pos:
                main.append(w)
                pos = s - neg_len
        if pos != len(word):
            return ()
    if len(main) < 2 or any(len(p) < 2 for p in main):
        return ()
    return tuple(main)


def _join_unknown(words: list[tuple[str, int, int]], stops) -> list[tuple[str, int, int]]:
    """Adjacent single Chinese characters that are not stop words are one word jieba did
    not know (保理 → 保 / 理, 主播 → 主 / 播): matched as one substring they find it; as
    single characters they would match nearly every clause."""
    out: list[tuple[str, int, int]] = []
    joinable = False                 # the last word of `out` is a run of single characters
    for w, s, e in words:
        single = len(w) == 1 and "\u3400" <= w <= "\u9fff" and w not in stops
        if single and joinable and out[-1][2] == s:
            out[-1] = (out[-1][0] + w, out[-1][1], e)
        else:
            out.append((w, s, e))
            joinable = single
    return out


def analyze(run: str, keep_stops: bool = True) -> list[QueryWord]:
    """The content words of one unspaced run of a query, in typed order, repeats dropped.
    A run made only of stop words keeps them (`如何` alone is still a search) unless
    `keep_stops` is false."""
    from analyzers.tokenizer import ensure_userdict, segment
    ensure_userdict()
    text = normalize(run)
    words = segment(text)
    vocab = vocabulary()
    terms = vocab.words
    spans = _vocab_spans(words, text, terms, max(map(len, terms), default=0))
    merged, k = [], 0                        # (word, start, end)
    for w, s, e, _ in words:
        while k < len(spans) and spans[k][1] <= s:
            k += 1
        if k < len(spans) and spans[k][0] <= s < spans[k][1]:
            if s == spans[k][0]:
                merged.append((text[spans[k][0]:spans[k][1]], *spans[k]))
            continue
        merged.append((w, s, e))
    stops = stopwords()
    merged = _join_unknown(merged, stops)
    kept = [w for w, _, _ in merged if w not in stops] or \
        ([w for w, _, _ in merged] if keep_stops else [])
    return [QueryWord(w, vocab.expansions(w), compound_parts(w))
            for w in dict.fromkeys(kept)]


def query_words(run: str) -> list[str]:
    return [w.text for w in analyze(run)]


def warm_up() -> None:
    """Load the dictionary and the tables now (a server does it before forking)."""
    analyze("教育")
