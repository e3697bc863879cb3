import pickle
import subprocess
import sys
import threading
from pathlib import Path

from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from analyzers import tokenizer as tk
from analyzers.normalize import normalize
from analyzers.tokenizer import JiebaTokenizer, cut, ensure_userdict, parse_userdict, policy_analyzer

ROOT = Path(__file__).resolve().parent.parent


def tokens(text, mode="index", **kw):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in policy_analyzer()(text, positions=True, chars=True, mode=mode, **kw)]


def test_offsets_index_the_original_text_including_full_width():
    text = "（一）ＡＢＣ全角，加强“县管校聘”改革；Ｗｏｒｌｄ Bank\n学前教育全覆盖。"
    toks = tokens(text)
    assert toks
    for word, _, start, end in toks:
        # the token is the normalised, lower-cased form of exactly that span
        assert normalize(text[start:end]).lower() == word
    s, e = next((s, e) for w, _, s, e in toks if w == "abc")
    assert text[s:e] == "ＡＢＣ"


def test_positions_are_ordinal_and_punctuation_skipped():
    toks = tokens("加强条件保障。“完善”制度 90%", mode="query")
    assert [(w, p) for w, p, *_ in toks] == [
        ("加强", 0), ("条件", 1), ("保障", 2), ("完善", 3), ("制度", 4), ("90", 5)]
    assert tokens("、。 ，“”（）\n ") == []


def test_start_pos_and_start_char_respected():
    toks = [(t.text, t.pos, t.startchar) for t in JiebaTokenizer()(
        "加强条件保障", positions=True, chars=True, start_pos=10, start_char=100)]
    assert toks == [("加强", 10, 100), ("条件", 11, 102), ("保障", 12, 104)]


def test_subwords_share_the_compound_position_at_index_time_only():
    idx = tokens("实现农村学前教育全覆盖", mode="index")
    by_word = {w: p for w, p, *_ in idx}
    assert by_word["学前教育"] == by_word["学前"] == by_word["教育"]
    assert by_word["全"] == by_word["学前教育"] + 1
    q = [w for w, *_ in tokens("实现农村学前教育全覆盖", mode="query")]
    assert "学前" not in q and "学前教育" in q


def test_user_words_kept_whole():
    assert "大班额" in cut("基本消除普通高中大班额现象")
    assert "县管校聘" in cut("深化教师县管校聘管理改革")
    assert "双减" in cut("做好义务教育双减工作")
    assert "生均公用经费" in cut("提高生均公用经费标准")


def test_stop_words_removed_and_positions_closed_up():
    toks = tokens("教师的待遇", mode="query")
    assert [(w, p) for w, p, *_ in toks] == [("教师", 0), ("待遇", 1)]
    kept = [t.text for t in policy_analyzer()("教师的待遇", removestops=False)]
    assert "的" in kept


def test_tokenize_false_yields_whole_value():
    toks = [t.text for t in JiebaTokenizer()("ＡＢ学前", tokenize=False)]
    assert toks == ["ab学前"]


def test_keeporiginal_gives_original_span():
    toks = [t.original for t in JiebaTokenizer()("ＡＢＣ教育", keeporiginal=True)]
    assert toks[0] == "ＡＢＣ"


def _ram_index(texts):
    schema = fields.Schema(id=fields.ID(stored=True),
                           text=fields.TEXT(analyzer=policy_analyzer(), stored=True))
    ix = RamStorage().create_index(schema)
    w = ix.writer()
    for i, t in enumerate(texts):
        w.add_document(id=str(i), text=t)
    w.commit()
    return ix


def _search(ix, q):
    with ix.searcher() as s:
        return sorted(h["id"] for h in s.search(QueryParser("text", ix.schema).parse(q)))


def test_phrase_query_over_whoosh_index():
    ix = _ram_index(["加强条件保障。", "保障条件较差,需加强。", "实现农村学前教育全覆盖。"])
    assert _search(ix, '"条件保障"') == ["0"]
    assert _search(ix, "条件保障") == ["0", "1"]          # AND of words
    assert _search(ix, '"教育全覆盖"') == ["2"]            # subword + next word
    assert _search(ix, "学前") == ["2"]                    # part of a user compound
    assert _search(ix, '"保障条件"') == ["1"]


def test_analyzer_pickles_and_schema_round_trips():
    ana = policy_analyzer()
    clone = pickle.loads(pickle.dumps(ana))
    assert clone == ana
    assert [t.text for t in clone("加强条件保障")] == ["加强", "条件", "保障"]
    schema = fields.Schema(text=fields.TEXT(analyzer=ana))
    assert pickle.loads(pickle.dumps(schema))["text"].analyzer == ana


def test_userdict_parse_and_idempotent_thread_safe_load():
    assert parse_userdict("# c\n县管校聘\n双减 100 n\n\n大班额 x\n") == [
        ("县管校聘", None, None), ("双减", 100, "n"), ("大班额", None, "x")]
    threads = [threading.Thread(target=ensure_userdict) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert tk._userdict_loaded
    words = [w for w, *_ in parse_userdict((ROOT / "data/userdict.txt").read_text("utf-8"))]
    assert 50 <= len(words) <= 200
    assert len(set(words)) == len(words)


def test_userdict_loads_without_explicit_call_in_fresh_process():
    code = ("from analyzers.tokenizer import cut; import sys; "
            "sys.exit(0 if '县管校聘' in cut('县管校聘改革') else 1)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
    assert r.returncode == 0
