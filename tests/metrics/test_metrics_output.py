"""The metrics object as dossier.json holds it: JSON-ready, schema-valid, reproducible."""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import ibis
import jsonschema
import pandas as pd
import pytest

import personae.metrics
from personae.metrics import compute_metrics
from personae.settings import Settings
from tests.metrics.metric_tables import company_frames, make_tables

ANCHOR = Path(__file__).parent / "anchors" / "mrr-playbook"


def schema() -> dict[str, Any]:
    """The metrics part of the shipped dossier.json schema."""
    text = files("personae").joinpath("schemas/dossier.schema.json").read_text(encoding="utf-8")
    whole = json.loads(text)
    return {"$schema": whole["$schema"], "$ref": "#/$defs/metrics", "$defs": whole["$defs"]}


def outputs() -> dict[str, dict[str, Any]]:
    cases: dict[str, tuple[dict[str, Any], Settings]] = {
        "company": (company_frames(), Settings(as_of=date(2025, 12, 31))),
        "company_no_crm": (
            {k: v for k, v in company_frames().items() if k in ("accounts", "revenue")},
            Settings(as_of=date(2025, 12, 15), segment_by="industry"),
        ),
        "mrr_playbook": (
            {
                "accounts": pd.read_csv(ANCHOR / "accounts.csv", dtype=str),
                "revenue": pd.read_csv(ANCHOR / "revenue.csv"),
            },
            Settings(),
        ),
    }
    out = {}
    for name, (frames, settings) in cases.items():
        con = ibis.duckdb.connect()
        out[name] = compute_metrics(con, make_tables(con, **frames), settings)
    return out


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    return outputs()


def test_schema_is_a_valid_draft_2020_12_schema():
    s = schema()
    jsonschema.Draft202012Validator.check_schema(s)
    assert "metrics" in s["$defs"]


@pytest.mark.parametrize("case", ["company", "company_no_crm", "mrr_playbook"])
def test_output_is_json_ready_and_valid(results, case):
    m = results[case]
    text = json.dumps(m, allow_nan=False, ensure_ascii=False)
    assert json.loads(text) == m  # only dict/list/str/int/float/bool/None
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(m)


def test_schema_rejects_a_percentage_without_its_counts(results):
    bad = json.loads(json.dumps(results["company"]))
    bad["churn"]["monthly"] = 0.05
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema())


def test_output_is_reproducible(results):
    again = outputs()
    assert again["company"] == results["company"]  # provenance SQL included


def test_provenance_is_sql_per_family(results):
    prov = results["company"]["provenance"]
    assert "calendar" in prov and "mrr_grid" in prov
    assert "personae_months" in prov["mrr_grid"]  # the month calendar joined to the lines
    assert all(isinstance(sql, str) and sql.rstrip().endswith(";") for sql in prov.values())


def test_temporary_tables_are_dropped():
    con = ibis.duckdb.connect()
    tables = make_tables(con, **company_frames())
    compute_metrics(con, tables, Settings(as_of=date(2025, 12, 31)))
    names = [row[0] for row in con.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    assert "accounts" in names
    assert not [t for t in names if t.startswith("personae_")]


def test_all_is_honest():
    public = {n for n in dir(personae.metrics) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(personae.metrics, n)).__name__ == "module"}
    assert set(personae.metrics.__all__) == public - modules
