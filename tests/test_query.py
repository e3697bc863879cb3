from search_app.query import And, Near, Not, Or, Term, describe, parse_query, positive_terms


def parse(q):
    node, msg = parse_query(q)
    assert msg == "", msg
    return node


def test_bare_words_are_anded():
    assert parse("大班额 县管校聘") == And((Term("大班额"), Term("县管校聘")))


def test_quotes_keep_spaces_and_symbols():
    assert parse('"条件 保障"') == Term("条件 保障", quoted=True)
    assert parse("“生均公用经费”") == Term("生均公用经费", quoted=True, cjk_quotes=True)


def test_or_not_and_groups():
    node = parse("(学前教育 OR 幼儿园) -民办 NOT 托育")
    assert node == And((Or((Term("学前教育"), Term("幼儿园"))), Not(Term("民办")), Not(Term("托育"))))


def test_field_scopes_chinese_and_english():
    assert parse("标题:方案") == Term("方案", "title")
    assert parse("docno:〔2019〕") == Term("〔2019〕", "doc_number")
    assert parse("单位：教育局") == Term("教育局", "unit")
    assert parse('city:"盘锦"') == Term("盘锦", "city", quoted=True)


def test_proximity():
    assert parse("同句:(教师 编制)") == Near("sentence", (Term("教师"), Term("编制")))
    assert parse("同条:(教师 编制)") == Near("clause", (Term("教师"), Term("编制")))


def test_unknown_prefix_is_literal():
    assert parse("http://x") == Term("http://x")


def test_malformed_falls_back_to_literal_words():
    for q in ['(大班额', '"大班额', 'OR', '大班额 OR', '同句:(A OR B)', '()']:
        node, msg = parse_query(q)
        assert "已按普通文字检索" in msg or "没有可检索的文字" in msg, q
    node, msg = parse_query("(大班额 县管校聘")
    assert node == And((Term("大班额"), Term("县管校聘")))


def test_describe_and_positive_terms():
    node = parse("标题:方案 (A OR B) -C")
    assert describe(node) == "标题:方案 (A OR B) -C"
    assert [t.text for t in positive_terms(node)] == ["方案", "A", "B"]
