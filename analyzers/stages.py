"""Which education stages (学段) a clause concerns: multi-label, fixed vocabulary.

Evidence comes from keyword tables (data/stage_keywords.tsv) found in four places,
strongest first:

- the clause's own heading and its ancestors' headings (the *section*): a section
  titled 学前教育 labels every item under it, even items that never repeat the word;
- the clause text, counted per sentence (a sentence naming 幼儿园 three times is one
  piece of evidence), so that one passing mention in a long clause does not label it;
- the document title, a fallback context: used only when the heading and path
  name no stage, so in a 普通高中 plan an unmarked clause is 普通高中, while a
  section of that plan titled 职业教育 stays 职业教育.

The nearest level naming a stage speaks for the clause (own heading, then parent
headings inwards-out).  Weak keywords (weight < 1: 大班额, 中小学, 高校毕业生) only
count where no stage is named outright in the sentence or the section, which then
decides what they refer to.  Text evidence must reach TEXT_THRESHOLD in a long
clause but only half a point per sentence in a short one.

A sentence naming four or more things (a goals paragraph listing every stage's
enrolment rate), or the levels from school to university (幼儿园、中小学、高校教师, the
long form of 大中小幼), is a statement about education in general and gives no evidence
at all; so is a clause whose sentences between them do (a funding clause giving each
stage a sentence). 中小学 counts as one thing: 学前、中小学、中职 names three.  A keyword
spanning stages (中小学 = 义务教育 + 普通高中) is not ambiguous the way 大班额 is: beside
a peer named outright it names its stages as plainly.  A stage named as a yardstick
(高于当地普通高中) is no evidence.  A clause handing out tasks to two or three stages,
each in a stretch of sentences of its own, is about each of them (BUNDLE_THRESHOLD).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from analyzers.normalize import normalize

STAGES = ("学前教育", "义务教育", "普通高中", "职业教育", "高等教育", "特殊教育", "终身教育")
GENERAL = "通用"            # shown when a clause concerns no particular stage
NEUTRAL = "-"               # table rows that only mask a span

KEYWORDS_PATH = Path(__file__).resolve().parent.parent / "data" / "stage_keywords.tsv"

GENERAL_ENUMERATION = 4     # stages named in one sentence that make it a general statement
SECTION_FACTOR = 2.0        # a heading/path keyword of weight 1 decides on its own
TITLE_FACTOR = 2.0          # … and so does the title, when it applies at all
TEXT_THRESHOLD = 2.0        # text evidence needed in a long clause (two sentences)
BUNDLE_THRESHOLD = 1.0      # … in a clause of tasks for two or three stages (one sentence)
_SENTENCE_END = re.compile(r"[。！？!?\n]+")


@dataclass(frozen=True)
class KeywordTable:
    weights: dict[str, dict[str, float]]      # keyword → {stage: weight}; {} = mask
    pattern: re.Pattern

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping keyword spans, longer keywords winning (then leftmost).

        职业高中 is one span for 职业教育, never 高中; 提高中 is 提高 (a mask), not 高中.
        """
        candidates = [(m.start(), m.start() + len(m.group(1)), m.group(1))
                      for m in self.pattern.finditer(text)]
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = [False] * len(text)
        chosen = []
        for start, end, word in candidates:
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                chosen.append((start, end, word))
        return sorted(chosen)


def parse_keyword_table(text: str) -> KeywordTable:
    """Parse ``stage<TAB>keyword<TAB>weight`` lines (``#`` comments, blank lines)."""
    weights: dict[str, dict[str, float]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"stage keywords line {n}: expected 3 tab-separated fields")
        stage, keyword, weight = parts[0].strip(), normalize(parts[1].strip()), float(parts[2])
        if stage != NEUTRAL and stage not in STAGES:
            raise ValueError(f"stage keywords line {n}: unknown stage {stage!r}")
        entry = weights.setdefault(keyword, {})
        if stage != NEUTRAL and weight > 0:
            entry[stage] = weight
    # longest alternatives first so each position reports its longest keyword
    alternatives = "|".join(re.escape(k) for k in sorted(weights, key=len, reverse=True))
    # a first-character class lets the engine skip positions no keyword can start at
    firsts = "".join(sorted({re.escape(k[0]) for k in weights}))
    return KeywordTable(weights, re.compile(f"(?=[{firsts}])(?=({alternatives}))"))


@lru_cache(maxsize=1)
def default_table() -> KeywordTable:
    return parse_keyword_table(KEYWORDS_PATH.read_text(encoding="utf-8"))


def _evidence(table: KeywordTable, source: str, sentences: list[str]):
    """(pieces with stage evidence, keywords seen, sentences discarded as general)."""
    out, words, general = [], [], 0
    for sentence in sentences:
        found = _sentence_evidence(sentence, table, source, words)
        if found is None:
            general += 1
        elif found[0]:
            out.append(found)
    return out, words, general


@lru_cache(maxsize=4096)
def _context_evidence(source: str, piece_text: str):
    """_evidence of an outline level or a title under the default table: they recur in
    every clause under them. Callers only read what it returns."""
    return _evidence(default_table(), source, _sentences(normalize(piece_text)))


@dataclass
class StageEvidence:
    """Scores and the keywords behind them (for tests, debugging, the UI)."""
    stages: list[str]
    scores: dict[str, float]
    threshold: float
    section: dict[str, float]           # best of heading and path, per stage
    text: dict[str, float]              # summed per-sentence evidence
    title: dict[str, float]
    title_used: bool
    general_sentences: int = 0          # sentences discarded as general enumerations
    keywords: list[tuple[str, str]] = field(default_factory=list)   # (source, keyword)

    @property
    def label(self) -> list[str]:
        """Stages, or [GENERAL] when there are none (what the UI shows)."""
        return self.stages or [GENERAL]


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if _HAN.search(s)]


# a stage named as the yardstick of another ("中职生均拨款可适当高于当地普通高中",
# "参照义务教育标准") is not what the sentence is about
_BENCHMARK = re.compile(r"(?:参照|比照|参考|高于|低于|不低于|不高于|相当于|等同于|看齐)"
                        r"(?:当地|本地|同级|同类|全国|全省|全市|本市|本省)?(?:公办)?$")


def _is_general(keywords: list[dict[str, float]]) -> bool:
    """Four or more things named, or four stages spanning the levels from school to
    university spelled out (幼儿园、中小学、高校: the long form of 大中小幼, "teachers of
    every level")."""
    covered: set[str] = set()
    for weights in keywords:
        stages = {st for st, w in weights.items() if w >= 0.5}
        if len(stages) > 1 or any(w >= 1 for w in weights.values()):
            covered |= stages          # a one-stage hint (高校毕业生, 大班额) names no level
    return _referents(keywords) >= GENERAL_ENUMERATION or (
        len(covered) >= GENERAL_ENUMERATION and "高等教育" in covered
        and bool(covered & {"学前教育", "义务教育"}))


def _referents(keywords: list[dict[str, float]]) -> int:
    """How many distinct things a span of text names, from its keywords' stages: every
    stage named outright (weight 1) is one; a keyword spanning several stages (中小学 =
    义务教育 + 普通高中) is ONE more unless its stages are all named otherwise — 学前、中小学、
    中职 names three things, not four stages. A one-stage hint (大班额) names nothing by
    itself: it means the stage around it."""
    singles: set[str] = set()
    spans: set[frozenset[str]] = set()
    for weights in keywords:
        stages = frozenset(st for st, w in weights.items() if w >= 0.5)
        outright = {st for st, w in weights.items() if w >= 1}
        if outright:
            singles |= outright
        elif len(stages) > 1:
            spans.add(stages)
    return len(singles) + sum(1 for sp in spans if not sp <= singles)


def _own_referents(pieces: list[tuple[dict[str, float], list]]) -> set[frozenset[str]]:
    """The things (a stage, or the stages 中小学 spans) that the clause gives a stretch of
    its own: named alone in their sentences, at least twice over those sentences
    (职业院校 … 中职学校 …). One sentence naming 高中阶段学校 once is an example given
    in passing, not a task of that stage."""
    mentions: dict[frozenset[str], int] = {}
    for _, kinds in pieces:
        if _referents(kinds) != 1:
            continue
        outright = {st for weights in kinds for st, w in weights.items() if w >= 1}
        spans = {st for weights in kinds for st, w in weights.items() if w >= 0.5}
        key = frozenset(outright or spans)
        mentions[key] = mentions.get(key, 0) + sum(
            1 for weights in kinds if any(weights.get(st, 0) >= 0.5 for st in key))
    return {key for key, n in mentions.items() if n >= 2}


def _sentence_evidence(sentence: str, table: KeywordTable, source: str,
                       keywords: list) -> tuple[dict[str, float], list[dict[str, float]]] | None:
    """Per stage, the strongest keyword of one sentence, and each keyword's stage weights;
    None for a general statement."""
    found: dict[str, float] = {}
    words, kinds = [], []
    for start, _, word in table.find(sentence):
        weights = table.weights[word]
        if not weights or _BENCHMARK.search(sentence[max(0, start - 8):start]):
            continue
        for stage, weight in weights.items():
            found[stage] = max(found.get(stage, 0.0), weight)
        words.append(word)
        kinds.append(weights)
    if _is_general(kinds):
        return None
    keywords.extend((source, w) for w in words)
    return found, kinds


def _named(evidence: dict[str, float]) -> set[str]:
    return {stage for stage, w in evidence.items() if w >= 1}


def _best(pieces: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for piece in pieces:
        for stage, w in piece.items():
            out[stage] = max(out.get(stage, 0.0), w)
    return out


def _resolve(found: dict[str, float], kinds: list[dict[str, float]],
             named: set[str]) -> dict[str, float]:
    """A sentence's evidence once its weak keywords are read in context. A one-stage hint
    (大班额) names whatever stage the sentence or section names outright, so it is dropped
    for its own stage when another is named. A keyword spanning stages (中小学) is not
    ambiguous about being a stage: the context picks among its stages when it names one
    of them (中小学 in a 普通高中 section is that section's), and otherwise it keeps them
    all (中小学 beside 中职 and 学前 is still 义务教育 and 普通高中)."""
    if not named:
        return dict(found)
    keep: dict[str, float] = {}
    for weights in kinds:
        stages = {st for st, w in weights.items() if w > 0}
        spanning = len({st for st in stages if weights[st] >= 0.5}) > 1
        peer = spanning and not stages & named
        for stage, w in weights.items():
            if w < 1 and stage not in named and not peer:
                continue
            # 中小学 listed beside 职业学校 names its levels as plainly as its peer does
            keep[stage] = max(keep.get(stage, 0.0), 1.0 if peer and w >= 0.5 else w)
    return keep


def explain_stages(text: str, heading: str = "", path: Sequence[str] = (), title: str = "",
                   *, table: KeywordTable | None = None) -> StageEvidence:
    """Score every stage for one clause; see the module docstring for the rules."""
    table = table or default_table()
    keywords: list[tuple[str, str]] = []
    general = 0

    def evidence(source: str, piece_text: str, sentences=None) -> list[tuple[dict[str, float], list]]:
        nonlocal general
        if source in ("path", "title") and table is default_table():
            out, words, n_general = _context_evidence(source, piece_text)
        else:
            out, words, n_general = _evidence(table, source, _sentences(normalize(piece_text))
                                              if sentences is None else sentences)
        keywords.extend(words)
        general += n_general
        return out

    def best(pieces) -> dict[str, float]:
        return _best([found for found, _ in pieces])

    # the nearest level naming a stage speaks for the clause: an item headed
    # 老年教育 filed under a 职业教育 chapter is 终身教育, not both
    levels = [best(evidence("heading", heading))]
    levels += [best(evidence("path", p)) for p in reversed(path)]
    section = next((lv for lv in levels if any(w >= 1 for w in lv.values())),
                   _best(levels))
    title_ev = best(evidence("title", title))
    # the title is only the default context: any stage named by the section wins
    title_used = bool(title_ev) and not any(w >= 1 for w in section.values())
    context = _named(section) | (_named(title_ev) if title_used else set())

    norm = normalize(text)
    text_sentences = _sentences(norm)
    # most clauses of a law name no stage at all: one scan says so
    text_pieces = evidence("text", text, text_sentences) if table.pattern.search(norm) else []
    # a clause whose sentences, between them, name four or more stages (a funding
    # clause giving each stage its sentence) is about education in general, as a
    # sentence enumerating them is
    all_kinds = [k for _, kinds in text_pieces for k in kinds]
    own = _own_referents(text_pieces)
    text_ev: dict[str, float] = {}
    if not _is_general(all_kinds):
        for found, kinds in text_pieces:
            for stage, w in _resolve(found, kinds, _named(found) | context).items():
                text_ev[stage] = text_ev.get(stage, 0.0) + w
    else:
        general += 1

    scores = {}
    for stage in STAGES:
        score = SECTION_FACTOR * section.get(stage, 0.0) + text_ev.get(stage, 0.0)
        if title_used:
            score += TITLE_FACTOR * title_ev.get(stage, 0.0)
        if score:
            scores[stage] = round(score, 3)
    # a short clause has few sentences to repeat a stage in: one sentence of a
    # one-sentence clause is its whole topic, one sentence of ten is a passing remark
    n = max(1, len(text_sentences))
    threshold = min(TEXT_THRESHOLD, 0.5 * n)
    # … but a clause that hands out tasks to two or three stages, one stretch of
    # sentences each (中小学 teachers, then 中职, then 幼儿园), is about each of them:
    # a stage with sentences of its own there is no passing remark. Only where the
    # section and title name no stage: under a 职业教育 chapter the chapter is the
    # topic, and a 大学 partner named in passing stays a passing remark.
    bundle = len(own) >= 2 and not context and not _is_general(all_kinds)
    own_stages = set().union(*own) if bundle else set()
    stages = [s for s in STAGES if scores.get(s, 0.0) >= (
        min(threshold, BUNDLE_THRESHOLD) if s in own_stages else threshold)]
    return StageEvidence(stages, scores, threshold, section, text_ev, title_ev,
                         title_used, general, keywords)


def classify_stages(text: str, heading: str = "", path: Sequence[str] = (),
                    title: str = "") -> list[str]:
    """Stages of a clause in vocabulary order; [] when general (display GENERAL)."""
    return explain_stages(text, heading, path, title).stages
