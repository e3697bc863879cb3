"""指标对比 through the real app on the sample index: JSON, HTML, CSV and chips."""
import csv
import io

import pytest

from search_app.app import create_app


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index)}).test_client()


def key_for(client, word):
    data = client.get("/api/targets").get_json()
    return next(f["key"] for f in data["indicators"] if word in f["name"])


def test_targets_json_lists_indicators_and_rows(client):
    data = client.get("/api/targets").get_json()
    assert data["total"] >= 20 and len(data["indicators"]) >= 5
    key = key_for(client, "毛入学率")
    rows = client.get("/api/targets", query_string={"indicator": key}).get_json()["rows"]
    assert len({r["city"] for r in rows}) >= 3
    for r in rows:
        assert r["indicator_key"] == key and r["comparator"] in "≥≤=<>" and r["clause_id"]
        assert r["year"] is None or 2010 <= r["year"] <= 2035


def test_targets_filter_by_city_and_query(client):
    key = key_for(client, "班额")
    one = client.get("/api/targets", query_string={"indicator": key, "city": "盘锦市"}).get_json()
    assert one["rows"] and {r["city"] for r in one["rows"]} == {"盘锦市"}
    q = client.get("/api/targets", query_string={"q": "大班额"}).get_json()
    assert 0 < q["total"] <= client.get("/api/targets").get_json()["total"]


def test_targets_page_chart_csv_and_chips(client):
    key = key_for(client, "班额")
    html = client.get("/targets", query_string={"indicator": key}).get_data(as_text=True)
    assert "<svg" in html and "<table" in html and "指标对比" in html
    r = client.get("/targets.csv", query_string={"indicator": key})
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["城市", "省份", "指标", "目标"] and len(rows) > 2
    hits = client.get("/", query_string={"q": "大班额"}).get_data(as_text=True)
    assert 'class="target-chips"' in hits


def test_targets_bad_parameters_are_400(client):
    assert client.get("/api/targets", query_string={"order": "bogus"}).status_code == 400
    assert client.get("/api/targets", query_string={"colour": "red"}).status_code == 400
    assert client.get("/targets", query_string={"q": "(" * 100}).status_code == 400


def test_indicator_can_be_searched_by_name(client):
    rows = client.get("/api/targets", query_string={"indicator": "入学率"}).get_json()["rows"]
    assert rows and all("入学率" in r["indicator"] or "入学率" in r["indicator_key"] for r in rows)
    assert {r["indicator_key"] for r in rows} >= {"高中阶段毛入学率"}
