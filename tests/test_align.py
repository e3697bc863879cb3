"""Local alignment: tolerant of numbers, insertions and reordering; offsets into the originals."""
import random

import numpy as np

from analyzers import align_dp
from analyzers.align import align_passages
from analyzers.normalize import normalize

CLAUSE = ("到2020年，全市普及高中阶段教育（包括普通高中、职业高中、技工学校），满足初中毕业生"
          "接受有质量的高中阶段教育需要。全市高中阶段教育毛入学率达到90%以上，普通高中与中等"
          "职业教育结构合理，招生规模大体相当。")


def _content(s: str) -> str:
    return "".join(ch for ch in normalize(s) if ch.isalnum())


def _n_content(s: str) -> int:
    return len(_content(s))


def test_identical_text_is_one_passage_covering_everything():
    [p] = align_passages(CLAUSE, CLAUSE)
    assert (p.input_start, p.clause_start) == (0, 0)
    assert p.input_end == p.clause_end == len(CLAUSE) - 1      # the final 。 is not aligned
    assert p.matched == _n_content(CLAUSE)


def test_changed_numbers_and_inserted_words_stay_one_passage():
    edited = ("到2025年，全市基本普及高中阶段教育（包括普通高中、职业高中、技工学校），切实满足初中毕业生"
              "接受有质量的高中阶段教育需要。全市高中阶段教育毛入学率达到95%以上，普通高中与中等"
              "职业教育结构合理，招生规模大体相当。")
    [p] = align_passages(edited, CLAUSE)
    assert p.input_start == 0 and p.clause_start == 0
    assert p.clause_end == len(CLAUSE) - 1
    # inserted 基本, 切实 are the only unpaired characters; changed digits count as kept
    assert p.matched == _n_content(edited) - 4


def test_chinese_and_arabic_numerals_pair_up():
    a = "到二〇二五年全县高中阶段教育毛入学率达到九十以上"
    b = "到2020年全县高中阶段教育毛入学率达到90以上"
    [p] = align_passages(a, b)
    assert p.clause_start == 0 and p.clause_end == len(b)
    assert p.input_end == len(a)


def test_reordered_list_items_give_separate_passages():
    a = "一是加强师资队伍建设，二是改善学校办学条件，三是深化课程教学改革，四是完善教育评价制度。"
    b = "一是深化课程教学改革，二是完善教育评价制度，三是加强师资队伍建设，四是改善学校办学条件。"
    passages = align_passages(a, b, min_len=8)
    assert len(passages) == 2
    first, second = passages                                  # in input order
    assert "加强师资" in a[first.input_start:first.input_end]
    assert "加强师资" in b[first.clause_start:first.clause_end]
    assert "深化课程" in a[second.input_start:second.input_end]
    assert "深化课程" in b[second.clause_start:second.clause_end]
    assert first.clause_start > second.clause_start            # crossing: reordered


def test_two_matches_in_one_paragraph_both_show():
    part1 = "普通高中与中等职业教育结构合理，招生规模大体相当"
    part2 = "满足初中毕业生接受有质量的高中阶段教育需要"
    text = f"我们认为{part1}。此外还要建设一批新的体育场馆和图书馆。{part2}。"
    passages = align_passages(text, CLAUSE)
    assert len(passages) == 2
    spans = [text[p.input_start:p.input_end] for p in passages]
    assert spans == [part1, part2]
    for p in passages:
        assert _content(CLAUSE[p.clause_start:p.clause_end]) == _content(text[p.input_start:p.input_end])


def test_consecutive_sentences_in_the_clause_merge_into_one_passage():
    text = CLAUSE[CLAUSE.index("满足"):]                        # spans the 。 in the middle
    [p] = align_passages(text, CLAUSE)
    assert p.input_start == 0 and p.input_end == len(text) - 1


def test_a_short_heading_joins_its_sentence():
    clause = "二、主要目标\n到2025年，全市普及高中阶段教育，毛入学率达到95%以上。"
    text = "二、主要目标\n到2022年，全市普及高中阶段教育，毛入学率达到92%以上。"
    [p] = align_passages(text, clause)
    assert p.input_start == 0 and p.clause_start == 0        # 二、主要目标 is inside the passage


def test_unrelated_text_gives_nothing():
    weather = "今天白天到夜间多云转阴，局部地区有小雨，偏东风三到四级，最高气温二十六摄氏度。"
    assert align_passages(weather, CLAUSE) == []
    assert align_passages("", CLAUSE) == [] and align_passages(CLAUSE, "") == []


def test_short_shared_phrase_is_below_min_len():
    text = "各地要重视高中阶段教育的宣传工作，营造良好氛围。"
    assert align_passages(text, CLAUSE) == []                  # only 高中阶段教育 (6) shared
    assert len(align_passages(text, CLAUSE, min_len=6)) == 1


def test_offsets_are_into_the_original_strings():
    # full-width digits, spaces and different punctuation on the input side
    text = "　　全市高中阶段教育毛入学率达到９０％以上,普通高中与中等职业教育结构合理。"
    [p] = align_passages(text, CLAUSE)
    assert text[p.input_start] == "全" and text[p.input_end - 1] == "理"
    assert CLAUSE[p.clause_start:p.clause_end].startswith("全市高中阶段")
    assert CLAUSE[p.clause_start:p.clause_end].endswith("结构合理")


def test_long_input_without_sentence_ends_is_still_aligned():
    rng = random.Random(1)
    clause = "".join(rng.choice("教育学校发展改革建设质量课程评价师资") for _ in range(900))
    text = clause[100:800]
    [p] = align_passages(text, clause)
    assert p.clause_start == 100 and p.clause_end == 800 and p.matched == 700


# ---- the DP kernel against a plain reference implementation ----

def _reference_best(score: np.ndarray) -> int:
    """Textbook Gotoh local alignment, cell by cell."""
    o, e = align_dp.GAP_OPEN, align_dp.GAP_EXTEND
    r, c = score.shape
    neg = -10 ** 9
    H = [[0] * (c + 1) for _ in range(r + 1)]
    E = [[neg] * (c + 1) for _ in range(r + 1)]
    F = [[neg] * (c + 1) for _ in range(r + 1)]
    best = 0
    for i in range(1, r + 1):
        for j in range(1, c + 1):
            E[i][j] = max(H[i][j - 1] - o, E[i][j - 1] - e)
            F[i][j] = max(H[i - 1][j] - o, F[i - 1][j] - e)
            H[i][j] = max(0, H[i - 1][j - 1] + int(score[i - 1, j - 1]), E[i][j], F[i][j])
            best = max(best, H[i][j])
    return best


def _random_block(rng: random.Random) -> np.ndarray:
    alphabet = "教育学校发展改革1234"
    a = np.array([ord(rng.choice(alphabet)) for _ in range(rng.randint(1, 14))])
    b = np.array([ord(rng.choice(alphabet)) for _ in range(rng.randint(1, 20))])
    na = np.array([chr(x).isdigit() for x in a])
    nb = np.array([chr(x).isdigit() for x in b])
    return align_dp.score_matrix(a, b, na, nb)


def test_batched_kernel_matches_reference_dp():
    rng = random.Random(7)
    blocks = [_random_block(rng) for _ in range(60)]
    results = align_dp.best_alignments([b.copy() for b in blocks])
    for block, res in zip(blocks, results):
        best = _reference_best(block)
        if best == 0:
            assert res is None
            continue
        i0, i1, j0, j1, top, matched = res
        assert top == best
        # the traced region holds that alignment on its own
        assert _reference_best(block[i0:i1, j0:j1]) == best
        assert 1 <= matched <= min(i1 - i0, j1 - j0)


def test_batched_kernel_respects_window_separators():
    # the left window's strong alignment ends on its last column; without a sealed
    # separator it would run on into the right window and inflate its score
    def block(x: str, y: str) -> np.ndarray:
        a, b = np.array([ord(c) for c in x]), np.array([ord(c) for c in y])
        return align_dp.score_matrix(a, b, np.zeros(len(a), bool), np.zeros(len(b), bool))
    left = block("甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚辛")
    right = block("子子子子子子子甲乙", "甲乙")
    res = align_dp.best_alignments([left, right])
    assert [r[4] for r in res] == [16, 4]
    assert res[1][:4] == (7, 9, 0, 2)
