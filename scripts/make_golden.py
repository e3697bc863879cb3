#!/usr/bin/env python3
"""Regenerate tests/golden/samples.json from the current parser (review the diff!)."""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.writer import parse_file  # noqa: E402

FACTS = ("title", "doc_type", "city", "province", "year", "year_rule", "date", "doc_number",
         "issuer", "co_issuers", "status", "level", "effective_date", "expiry", "index_number")


def golden() -> dict:
    out = {}
    for path in sorted((ROOT / "data" / "corpus").glob("*.txt")):
        _, _, records, reason, _ = parse_file(path, path.name)
        assert records, reason
        out[path.name] = {
            "facts": {k: records[0][k] for k in FACTS},
            "clauses": [[r["kind"], r["label"], r["heading"], " › ".join(r["path"]),
                         "、".join(r["units"]), "、".join(r["lead_units"]),
                         "、".join(r["stages"])] for r in records],
        }
    return out


if __name__ == "__main__":
    target = ROOT / "tests" / "golden" / "samples.json"
    text = json.dumps(golden(), ensure_ascii=False, indent=1)
    target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {target}")
