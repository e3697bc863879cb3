"""The query language, parsed into a small tree the engine evaluates.

    大班额 县管校聘          every word must occur (as written, width-normalised)
    "条件保障"               exact substring, spaces and symbols kept
    A OR B,  -A,  NOT A      alternatives, exclusion; parentheses group
    标题:方案  文号:〔2019〕  单位:教育局  城市:盘锦   (title: docno: unit: city:)
    同句:(教师 编制)          all words in one sentence;  同条:(A B)  in one clause

Malformed input never fails: `parse_query` falls back to a literal search of the words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = {
    "标题": "title", "title": "title",
    "文号": "doc_number", "docno": "doc_number", "number": "doc_number",
    "单位": "unit", "unit": "unit", "责任单位": "unit",
    "牵头": "lead_unit", "牵头单位": "lead_unit", "lead": "lead_unit",
    "城市": "city", "city": "city", "地区": "city",
    "正文": "text", "text": "text",
}
NEAR = {"同句": "sentence", "sentence": "sentence", "同条": "clause", "clause": "clause"}


@dataclass(frozen=True)
class Term:
    text: str
    field: str = "text"        # text | title | doc_number | unit | lead_unit | city
    quoted: bool = False
    # in Chinese quotation marks (“…” 「…」): pasted text uses them for emphasis, so
    # keyword mode takes the phrase as one word a partial match may miss
    cjk_quotes: bool = False


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class Near:
    scope: str                 # sentence | clause
    terms: tuple


@dataclass(frozen=True)
class Concept:
    """A word of keyword mode (see search_app.keyword): matches where the word, one of
    its equivalents, or all of its parts (close together) occur, in the clause or in
    its context fields."""
    word: str
    equivalents: tuple = ()    # ((word, weight), …)
    parts: tuple = ()
    run: int = 0               # which typed run it came from (phrase proximity)


class QuerySyntaxError(ValueError):
    pass


_TOKEN = re.compile(r'''
    (?P<quote>"[^"]*"|“[^”]*”|「[^」]*」)
  | (?P<open>[(（])
  | (?P<close>[)）])
  | (?P<field>[^\s"“()（）:：]+)[:：](?=\S)
  | (?P<word>[^\s"“()（）]+)
  | (?P<space>\s+)
  | (?P<bad>.)
''', re.VERBOSE)


# a word runs to the next space, ASCII quote, opening quote or bracket; a stray closing
# ” (pasted text: 落实“双减”政策”：要求) stays inside the word, keyword mode drops it
_WORD = re.compile(r'[^\s"“()（）]+')
MAX_QUERY_CHARS = 2000      # a pasted clause fits; similar-wording search takes longer text
MAX_DEPTH = 32              # nested brackets, NOT and 同句/同条


class QueryTooComplex(ValueError):
    """Past the caps above: the caller gets a 400 with this message, not a search."""


def _tokens(q: str):
    out, pos = [], 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        kind, value = m.lastgroup, m.group(m.lastgroup)
        pos = m.end()
        if kind == "space":
            continue
        if kind == "bad":
            raise QuerySyntaxError(f"无法识别的字符 {value}")
        if kind == "field" and value not in FIELDS and value not in NEAR:
            w = _WORD.match(q, m.start())          # "http://…" etc. stay literal
            kind, value, pos = "word", w.group(), w.end()
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, tokens):
        self.toks = tokens
        self.i = 0
        self.depth = 0

    def deeper(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryTooComplex(f"查询嵌套过深（括号、NOT、同句/同条 最多 {MAX_DEPTH} 层）")

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse(self):
        node = self.or_expr()
        if self.i != len(self.toks):
            raise QuerySyntaxError("括号不匹配")
        return node

    def or_expr(self):
        items = [self.and_expr()]
        while self.peek() in (("word", "OR"), ("word", "|")):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self):
        items = []
        while True:
            kind, value = self.peek()
            if kind is None or kind == "close" or (kind == "word" and value in ("OR", "|")):
                break
            items.append(self.unary())
        if not items:
            raise QuerySyntaxError("缺少检索词")
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self):
        kind, value = self.peek()
        if kind == "word" and value in ("NOT", "-"):
            self.take()
            self.deeper()
            node = Not(self.unary())
            self.depth -= 1
            return node
        if kind == "word" and value.startswith("-") and len(value) > 1:
            self.take()
            return Not(Term(value[1:]))
        return self.primary()

    def primary(self, field: str = "text"):
        kind, value = self.take()
        if kind == "open":
            self.deeper()
            node = self.or_expr()
            if self.take()[0] != "close":
                raise QuerySyntaxError("括号不匹配")
            self.depth -= 1
            return node
        if kind == "quote":
            text = value[1:-1]
            if not text.strip():
                raise QuerySyntaxError("引号内没有内容")
            return Term(text, field, quoted=True, cjk_quotes=value[0] != '"')
        if kind == "word":
            if value in ("AND", "&&"):
                return self.primary(field)
            return Term(value, field)
        if kind == "field":
            if value in NEAR:
                self.deeper()
                node = self.near(NEAR[value])
                self.depth -= 1
                return node
            return self.primary(FIELDS[value])
        raise QuerySyntaxError("查询不完整")

    def near(self, scope: str):
        node = self.primary()
        terms = node.items if isinstance(node, And) else (node,)
        if not all(isinstance(t, Term) and t.field == "text" for t in terms):
            raise QuerySyntaxError("同句/同条 只接受检索词")
        return Near(scope, tuple(terms))


def parse_query(q: str) -> tuple[object | None, str]:
    """(tree or None for an empty query, message). A syntax error gives a literal search;
    input past the length or nesting caps raises QueryTooComplex."""
    q = (q or "").strip()
    if not q:
        return None, ""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryTooComplex(f"检索式过长（{len(q)} 字，最多 {MAX_QUERY_CHARS} 字）；"
                              "查找相似的长段文字请用“相似条款”")
    try:
        return _Parser(_tokens(q)).parse(), ""
    except QuerySyntaxError as exc:
        words = [w for w in re.split(r'[\s"“”「」()（）]+', q) if w]
        if not words:
            return None, f"查询语法有误（{exc}），且没有可检索的文字"
        node = Term(words[0]) if len(words) == 1 else And(tuple(Term(w) for w in words))
        return node, f"查询语法有误（{exc}），已按普通文字检索"


def literal(q: str):
    """Exact mode: the whole input is one substring. A pair of ASCII quotes around all
    of it is taken off (people paste them); everything else stays as typed."""
    q = (q or "").strip()
    if len(q) > 2 and q[0] == q[-1] == '"' and q[1:-1].strip():
        q = q[1:-1]
    return Term(q, quoted=True) if q else None


def describe(node) -> str:
    """A readable form of the parsed query, shown back to the user."""
    if node is None:
        return ""
    if isinstance(node, Term):
        label = {v: k for k, v in reversed(list(FIELDS.items()))}.get(node.field, "")
        body = f"“{node.text}”" if node.quoted else node.text
        return body if node.field == "text" else f"{label}:{body}"
    if isinstance(node, Concept):
        alts = "/".join(w for w, _ in node.equivalents)
        return f"{node.word}（{alts}）" if alts else node.word
    if isinstance(node, And):
        sep = " · " if all(isinstance(i, Concept) for i in node.items) else " "
        return sep.join(_group(i) for i in node.items)
    if isinstance(node, Or):
        return " OR ".join(_group(i) for i in node.items)
    if isinstance(node, Not):
        return "-" + _group(node.item)
    if isinstance(node, Near):
        return ("同句" if node.scope == "sentence" else "同条") + ":(" + " ".join(
            describe(t) for t in node.terms) + ")"
    return str(node)


def _group(node) -> str:
    return f"({describe(node)})" if isinstance(node, (And, Or)) else describe(node)


def positive_terms(node) -> list[Term]:
    """Terms that contribute to ranking and highlighting (not under NOT)."""
    if node is None:
        return []
    if isinstance(node, (Term, Concept)):
        return [node]
    if isinstance(node, (And, Or)):
        return [t for i in node.items for t in positive_terms(i)]
    if isinstance(node, Near):
        return list(node.terms)
    return []
