"""scripts/scale.py's reading of the figures: growth fits, the table, the chart."""
import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import scale  # noqa: E402

NS = [150_000, 600_000, 2_400_000]


def test_growth_names_the_model_the_figures_follow():
    b, model = scale.growth(NS, [10, 40, 160])
    assert model == "linear" and abs(b - 1) < 1e-9
    b, model = scale.growth(NS, [n * math.log(n) for n in NS])
    assert model == "n log n" and 1.0 < b < 1.2
    assert scale.growth(NS, [3, 3, 3])[1] == "constant"
    assert scale.growth(NS, [n * n for n in NS])[1] == "quadratic"
    assert math.isnan(scale.growth(NS[:1], [1])[0])
    assert abs(scale.extrapolate(NS[:2], [10, 40], NS[2]) - 160) < 1e-6


def result(factor, latency=True):
    n = NS[[1, 4, 16].index(factor)]
    r = {"factor": factor, "files": factor * 3412, "mb": factor * 57.0, "build_s": factor * 60.0,
         "build_peak_mb": 270.0, "index_bytes": factor * 4e8, "text_bytes": factor * 5e7,
         "index_files": {"sa.npy": factor * 7e7}, "clauses": n}
    if latency:
        r.update(pss_mb=400.0 * factor, cold_start=0.3,
                 latency={k: [0.01 * factor] * 5 for k in
                          ("keyword", "exact", "filtered", "question", "similar")},
                 update={k: (6.0 * factor, 300.0) for k in
                         ("add one file", "change one file", "remove one file")})
    return r


def test_table_marks_targets_and_extrapolates_16x_from_what_was_measured(tmp_path):
    text = scale.render([result(1), result(4, latency=False)], jieba=40.0, out=tmp_path)
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()}
    assert "16× (extrapolated)" in rows["measure"]
    assert "✗" in rows["index / clause text"], "8× the clause text is over the 3× target"
    assert "≈ 960 s ✓" in rows["build time"], "16× at 16 times the 1× build is within 20×"
    assert "—" in rows["keyword p95"], "the 4× probe did not run"
    assert "1.00, linear" in rows["index size"]
    svg = ET.fromstring((tmp_path / "scale.svg").read_text(encoding="utf-8"))
    labels = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"build time", "index size"} <= labels and "keyword p95" not in labels
    assert (tmp_path / "scale.md").read_text(encoding="utf-8").strip() == text.strip()


def test_one_file_update_never_writes_through_to_the_original_corpus(tmp_path):
    from indexer.writer import build_index
    from tests.test_scale_corpus import make_source
    import scale_corpus
    src = make_source(tmp_path / "src")
    before = {p: p.read_bytes() for p in src.rglob("*.md")}
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    scale_corpus.make_corpus(src, corpus, 1)
    build_index([corpus], index, log=lambda _m: None)
    got = scale.one_file_update(corpus, index, log=lambda _m: None)
    assert set(got) == {"add one file", "change one file", "remove one file"}
    assert all(secs > 0 and peak > 0 for secs, peak in got.values())
    assert {p: p.read_bytes() for p in src.rglob("*.md")} == before
    links = list((corpus / "x00").rglob("*.md"))
    assert len(links) == len(before) and all(p.is_symlink() for p in links)
