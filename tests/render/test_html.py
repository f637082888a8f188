"""report.html without a browser: what the page says, where each chart goes, and that it
holds everything it needs (no outside reference, a strict CSP). The browser tests, in
``tests/browser``, check that it draws."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from personae.cli import app
from personae.dossier.kinds import fmt_int, fmt_money, fmt_percent
from personae.render import render_html
from personae.render.html import CSP, parts
from personae.render.model_charts import survival
from personae.render.pdf import HOW_TO_GET_ONE, NoChromiumError, find_chromium, print_pdf
from personae.render.vega import locales
from tests.render.documents import document

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "dossier.json"


class _Page(HTMLParser):
    """Collects the tags, attributes and visible text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def visible(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parse(html).text))


def chart_ids(html: str) -> list[str]:
    return [str(a["data-chart"]) for t, a in parse(html).tags if t == "div" and "data-chart" in a]


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(GOLDEN.read_text("utf-8"))
    return doc


@pytest.fixture(scope="module")
def golden_html(golden: dict[str, Any]) -> str:
    return render_html(golden)


def test_a_french_page_with_a_strict_csp_and_nothing_from_outside(golden_html: str) -> None:
    page = parse(golden_html)
    assert ("html", {"lang": "fr"}) in page.tags
    csp = [
        a["content"]
        for t, a in page.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp == [CSP]
    assert "default-src 'none'" in CSP and "'unsafe-eval'" in CSP and "img-src data:" in CSP
    assert "connect-src" not in CSP  # falls back to 'none'
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)  # every script is inline
        href = attrs.get("href") or ""
        assert not href or href.startswith("#"), href
    assert "@import" not in golden_html and "url(http" not in golden_html
    # the bundle is inlined once, and the page's own script is wrapped in a function
    assert golden_html.count("window.vegaEmbed=") == 1
    assert "(function () {" in golden_html


def test_the_page_stays_small(golden_html: str) -> None:
    size = len(golden_html.encode("utf-8"))
    assert 800_000 < size < 3_000_000, size  # the bundle (~0.9 MB) plus the numbers


def test_headline_tiles_in_french(golden: dict[str, Any], golden_html: str) -> None:
    text = visible(golden_html)
    ov = golden["metrics"]["overview"]
    churn = golden["metrics"]["churn"]["monthly"]
    assert f"Clients {fmt_int(ov['clients_total'])}" in text
    assert fmt_money(ov["mrr"]) in text and f"ARR {fmt_money(ov['arr'])}" in text
    assert f"Churn mensuel {fmt_percent(churn['value'])}" in text
    assert f"IC 95 % : {fmt_percent(churn['ci_low'])} – {fmt_percent(churn['ci_high'])}" in text
    assert f"{fmt_int(churn['numerator'])} / {fmt_int(churn['denominator'])} comptes-mois" in text
    assert f"NRR {fmt_percent(golden['metrics']['expansion']['nrr'])}" in text
    assert "Données arrêtées au 31 décembre 2025" in text
    clients = fmt_int(ov["clients_total"])
    assert "\u202f" in clients and clients in text  # Babel's French grouping, not "1,352"
    assert '<svg class="spark"' in golden_html


DEMO_METRIC_CHARTS = {
    "mrr-movements",
    "by-segments",
    "by-sizes",
    "by-industries",
    "by-regions",
    "journey",
    "top-clients",
    "churn-by-segment",
    "nrr-by-segment",
    "lost-reasons",
    "competitors",
    "win-rate",
}


def test_every_chart_of_the_demo_in_its_part(golden: dict[str, Any]) -> None:
    where = {c.id: p.id for p in parts(golden) for c in p.charts}
    # the models' charts (retention, signals, ICP, personas) come with their models
    assert {k: v for k, v in where.items() if k in DEMO_METRIC_CHARTS} == {
        "mrr-movements": "1",
        "by-segments": "2",
        "by-sizes": "3",
        "by-industries": "4",
        "by-regions": "5",
        "journey": "8",
        "top-clients": "9",
        "churn-by-segment": "10",
        "nrr-by-segment": "11",
        "lost-reasons": "12",
        "competitors": "12",
        "win-rate": "12",
    }
    assert where["retention"] == "2"  # the sBG curves beside the segments' LTV
    titles = [p.title for p in parts(golden)]
    assert titles[0] == "Vue d'ensemble de la clientèle"


def test_mrr_movements_stack_down_for_contraction_and_churn(golden: dict[str, Any]) -> None:
    chart = next(c for p in parts(golden) for c in p.charts if c.id == "mrr-movements")
    bars = chart.spec["layer"][0]["data"]["values"]
    last = golden["metrics"]["mrr_movements"][-1]
    month = f"{last['month']}-01"
    got = {v["movement"]: v["amount"] for v in bars if v["month"] == month}
    assert got == {
        "Nouveau": last["new"],
        "Expansion": last["expansion"],
        "Réactivation": last["reactivation"],
        "Contraction": -last["contraction"],
        "Churn": -last["churn"],
    }
    assert chart.table.rows[-1][0] == "décembre 2025"
    assert chart.table.rows[-1][1] == fmt_money(last["mrr"])


def test_answers_sources_and_what_is_missing(golden: dict[str, Any], golden_html: str) -> None:
    text = visible(golden_html)
    manual = next(q for q in golden["questions"] if q["source"] == "manual")
    assert f"{manual['answer']} manuel" in text
    # the demo answers everything: open two questions as a new workspace would have them
    doc = json.loads(json.dumps(golden))
    for q in doc["questions"][:2]:
        q.update(
            answered=False, answer=None, source=None, missing="réponse manuelle (answers.yaml)"
        )
    doc["progress"]["answered"] -= 2
    text = visible(render_html(doc))
    missing = [q for q in doc["questions"] if not q["answered"]]
    assert f"{len(missing)} questions attendent encore une réponse" in text
    for q in missing:
        assert q["missing"] in text
    assert "données" in text


def test_models_drawn_when_present() -> None:
    doc = document()
    html = render_html(doc)
    ids = chart_ids(html)
    assert {"retention", "churn-signals", "icp"} <= set(ids)
    where = {c.id: p.id for p in parts(doc) for c in p.charts}
    assert where["retention"] == "2" and where["churn-signals"] == "10" and where["icp"] == "6"
    text = visible(html)
    assert "Claire, DAF de PME" in text and "35 – 50 ans" in text
    assert f"{fmt_percent(0.42)} des contacts" in text
    assert "Usage en baisse de 50 % sur 3 mois" in text and "× 2,6" in text
    assert "AUC 0,71" in text
    assert f"Part des clients actuels dans l'ICP : {fmt_percent(0.31)}" in text
    # without the models' keys, none of their charts
    del doc["models"]
    assert not {"retention", "churn-signals", "icp"} & set(chart_ids(render_html(doc)))


def test_sbg_survival_and_retention_curve() -> None:
    """S(t) = Π_{i=1..t} (β + i − 1)/(α + β + i − 1) (Fader & Hardie 2007, eq. 7): for α = 1,
    β = 2, S(1) = 2/3, S(2) = 1/2, S(12) = 2/14."""
    assert survival(1.0, 2.0, 0) == pytest.approx(1.0)
    assert survival(1.0, 2.0, 1) == pytest.approx(2 / 3)
    assert survival(1.0, 2.0, 2) == pytest.approx(1 / 2)
    assert survival(1.0, 2.0, 12) == pytest.approx(2 / 14)
    # the chart draws what the model computes (models/sbg.py's B-function form): the
    # published fit of the "regular" cohort (α = 0.704, β = 1.182) and a wide range
    from scipy.special import betaln

    for a, b in ((0.704, 1.182), (0.05, 300.0), (15.0, 3.8), (250.0, 1e5)):
        t = np.arange(61)
        expected = np.exp(betaln(a, b + t) - betaln(a, b))
        drawn = [survival(a, b, int(i)) for i in t]
        assert drawn == pytest.approx(expected.tolist(), rel=1e-9)
    chart = next(c for p in parts(document()) for c in p.charts if c.id == "retention")
    curve = chart.spec["layer"][0]["data"]["values"]
    pme = {v["month"]: v["retention"] for v in curve if v["segment"] == "PME"}
    assert pme[12] == pytest.approx(2 / 14)
    assert "échantillon faible" in chart.table.rows[1]  # Startups: 20 accounts


def test_small_samples_marked_and_text_escaped() -> None:
    html = render_html(document())
    text = visible(html)
    assert "Startups *" in html and "échantillon faible (moins de 30 comptes)" in text
    assert "Par taille <b>et</b> par région." in text  # shown as text…
    assert "<b>et</b>" not in html  # …never as markup
    assert "Parce que." in text  # a manual slot beside the numbers


def test_a_dossier_without_data_has_no_chart_and_no_bundle() -> None:
    doc = document()
    del doc["metrics"], doc["models"]
    html = render_html(doc)
    assert chart_ids(html) == [] and "vegaEmbed" not in html
    assert "produit sans données" in visible(html)
    assert len(html.encode()) < 50_000


def test_vega_speaks_babels_french() -> None:
    number = locales()["number"]
    assert number["decimal"] == "," and number["thousands"] == "\u202f"
    assert number["currency"] == ["", "\u00a0€"] and number["percent"] == "\u00a0%"
    assert locales()["time"]["shortMonths"][0] == "janv."


def test_no_chromium_says_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAE_CHROMIUM", str(tmp_path / "nowhere"))
    assert find_chromium() is None
    (tmp_path / "report.html").write_text("<html></html>")
    with pytest.raises(NoChromiumError, match="apt-get install chromium"):
        print_pdf(tmp_path / "report.html", tmp_path / "report.pdf")
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "report.html").is_file()
    assert not (tmp_path / "out" / "report.pdf").exists()
    assert "apt-get install chromium" in re.sub(r"\s+", " ", result.output)
    assert "apt-get install chromium" in HOW_TO_GET_ONE
