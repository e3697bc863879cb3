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

A sentence naming four or more stages (幼儿园、中小学、高校教师; a goals paragraph
listing every stage's enrolment rate) is a statement about education in general and
gives no evidence at all.
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


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if re.search(r"[\u4e00-\u9fff]", s)]


def _sentence_evidence(sentence: str, table: KeywordTable, source: str,
                       keywords: list) -> dict[str, float] | None:
    """Per stage, the strongest keyword of one sentence; None for a general statement."""
    found: dict[str, float] = {}
    words = []
    for _, _, word in table.find(sentence):
        for stage, weight in table.weights[word].items():
            found[stage] = max(found.get(stage, 0.0), weight)
        if table.weights[word]:
            words.append(word)
    if sum(1 for w in found.values() if w >= 0.5) >= GENERAL_ENUMERATION:
        return None
    keywords.extend((source, w) for w in words)
    return found


def _named(evidence: dict[str, float]) -> set[str]:
    return {stage for stage, w in evidence.items() if w >= 1}


def _best(pieces: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for piece in pieces:
        for stage, w in piece.items():
            out[stage] = max(out.get(stage, 0.0), w)
    return out


def explain_stages(text: str, heading: str = "", path: Sequence[str] = (), title: str = "",
                   *, table: KeywordTable | None = None) -> StageEvidence:
    """Score every stage for one clause; see the module docstring for the rules."""
    table = table or default_table()
    keywords: list[tuple[str, str]] = []
    general = 0

    def evidence(source: str, piece_text: str) -> list[dict[str, float]]:
        nonlocal general
        out = []
        for sentence in _sentences(normalize(piece_text)):
            found = _sentence_evidence(sentence, table, source, keywords)
            if found is None:
                general += 1
            elif found:
                out.append(found)
        return out

    # the nearest level naming a stage speaks for the clause: an item headed
    # 老年教育 filed under a 职业教育 chapter is 终身教育, not both
    levels = [_best(evidence("heading", heading))]
    levels += [_best(evidence("path", p)) for p in reversed(path)]
    section = next((lv for lv in levels if any(w >= 1 for w in lv.values())),
                   _best(levels))
    title_ev = _best(evidence("title", title))
    # the title is only the default context: any stage named by the section wins
    title_used = bool(title_ev) and not any(w >= 1 for w in section.values())
    context = _named(section) | (_named(title_ev) if title_used else set())

    text_ev: dict[str, float] = {}
    for found in evidence("text", text):
        named = _named(found) | context
        for stage, w in found.items():
            # weak evidence is ambiguous (大班额, 中小学): a stage named outright in
            # the sentence or the section decides what it refers to
            if w < 1 and named and stage not in named:
                continue
            text_ev[stage] = text_ev.get(stage, 0.0) + w

    scores = {}
    for stage in STAGES:
        score = SECTION_FACTOR * section.get(stage, 0.0) + text_ev.get(stage, 0.0)
        if title_used:
            score += TITLE_FACTOR * title_ev.get(stage, 0.0)
        if score:
            scores[stage] = round(score, 3)
    # a short clause has few sentences to repeat a stage in: one sentence of a
    # one-sentence clause is its whole topic, one sentence of ten is a passing remark
    n = max(1, len(_sentences(normalize(text))))
    threshold = min(TEXT_THRESHOLD, 0.5 * n)
    stages = [s for s in STAGES if scores.get(s, 0.0) >= threshold]
    return StageEvidence(stages, scores, threshold, section, text_ev, title_ev,
                         title_used, general, keywords)


def classify_stages(text: str, heading: str = "", path: Sequence[str] = (),
                    title: str = "") -> list[str]:
    """Stages of a clause in vocabulary order; [] when general (display GENERAL)."""
    return explain_stages(text, heading, path, title).stages
