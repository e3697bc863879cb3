from analyzers.normalize import normalize


def test_width_and_case_folded_length_kept():
    s = "（一）ＡＢＣ１２３　abc，文号〔2019〕"
    n = normalize(s)
    assert n == "(一)abc123 abc,文号〔2019〕"
    assert len(n) == len(s)
