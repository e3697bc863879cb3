"""The five bundled samples, clause by clause: kind, label, heading, path, units, lead
units and stages, as reviewed by a careful reader. `scripts/make_golden.py` regenerates
the file; review its diff before committing."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FACTS = ("title", "doc_type", "city", "province", "year", "year_rule", "date", "doc_number",
         "issuer", "co_issuers", "status", "level", "effective_date", "expiry", "index_number")
GOLDEN = json.loads((ROOT / "tests" / "golden" / "samples.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_sample_parses_as_reviewed(name):
    from indexer.writer import parse_file
    _, _, records, reason, _ = parse_file(ROOT / "data" / "corpus" / name, name)
    assert records, reason
    want = GOLDEN[name]
    assert {k: records[0][k] for k in FACTS} == want["facts"]
    got = [[r["kind"], r["label"], r["heading"], " › ".join(r["path"]), "、".join(r["units"]),
            "、".join(r["lead_units"]), "、".join(r["stages"])] for r in records]
    for i, (g, w) in enumerate(zip(got, want["clauses"]), start=1):
        assert g == w, f"{name} clause {i}"
    assert len(got) == len(want["clauses"])


def test_lead_unit_conventions_in_samples():
    by_name = {n: GOLDEN[n]["clauses"] for n in GOLDEN}
    # 003: 列首位为牵头单位, 下同 → the first unit leads in every later 责任单位 line
    leads_003 = [c[5] for c in by_name["003_e58860febed32714.txt"] if c[4]]
    assert leads_003 and all(lead == "市教育体育局" for lead in leads_003)
    # 002 states no convention → no lead units
    assert not any(c[5] for c in by_name["002_b243c2944faa9261.txt"])
