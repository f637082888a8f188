"""report.html in a real headless Chromium (Debian's, through pytest-playwright's fixtures
with ``executable_path``; never ``playwright install``): offline, every chart drawn, no
console error, the numbers of dossier.json in French, a PDF that shows the charts, and the
README's screenshot. Skipped with a reason where no Chromium is installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from personae.dossier.kinds import fmt_int, fmt_money, fmt_percent
from personae.render import render_html
from personae.render.pdf import find_chromium, print_pdf
from tests.render.documents import document
from tests.render.test_html import DEMO_METRIC_CHARTS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "report.png"
GOLDEN = ROOT / "tests" / "golden" / "dossier.json"
CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium found (Debian: apt-get install chromium)"
    ),
]
DEMO_CHARTS = DEMO_METRIC_CHARTS  # the charts the demo's metrics always give


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at the system's Chromium."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def demo_s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``personae demo`` (size S, seed 0): its output folder, report.html included."""
    from personae.demo.run import run_demo

    out = tmp_path_factory.mktemp("demo-s")
    run_demo(out, size="S", seed=0)
    return out


class Offline:
    """A page opened with every non-file request aborted and recorded, console errors kept."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.violations: list[str] = []
        page.route(re.compile(r"^(?!file:).*"), self._block)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _block(self, route: Any) -> None:
        self.requests.append(route.request.url)
        route.abort()

    def open(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-charts=ready]", timeout=30_000)
        return self.page


def drawn(page: Any) -> dict[str, bool]:
    """Each chart container: did Vega draw an svg (or canvas) in it?"""
    result: dict[str, bool] = page.eval_on_selector_all(
        "[data-chart]",
        "els => Object.fromEntries(els.map(e => [e.dataset.chart, !!e.querySelector('svg, canvas')]))",
    )
    return result


def test_offline_every_chart_drawn_no_console_error(page: Any, demo_s: Path) -> None:
    tab = Offline(page)
    p = tab.open(demo_s / "report.html")
    charts = drawn(p)  # every chart on the page drawn, the demo's own among them
    assert set(charts) >= DEMO_CHARTS and all(charts.values()), charts
    assert tab.requests == [] and tab.errors == []
    # French axes: months and euros in the MRR chart, a comma in the percentages
    mrr_axes = p.text_content("#chart-mrr-movements svg") or ""
    assert re.search(r"janv\. 20\d\d", mrr_axes) and "\u00a0€" in mrr_axes
    assert re.search(r"\d,\d\u00a0%", p.text_content("#chart-churn-by-segment svg") or "")
    # the CSP forbids an outside request even when a script tries one
    blocked = p.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
            fetch('https://example.com/x').catch(() => {});
            setTimeout(() => resolve('none'), 3000);
        })"""
    )
    assert blocked.startswith("connect-src")
    assert tab.requests == []


def test_numbers_match_dossier_json(page: Any, demo_s: Path) -> None:
    doc = json.loads((demo_s / "dossier.json").read_text("utf-8"))
    m = doc["metrics"]
    p = Offline(page).open(demo_s / "report.html")
    tiles = p.inner_text(".tiles")
    assert fmt_int(m["overview"]["clients_total"]) in tiles
    assert fmt_int(m["overview"]["clients_active"]) in tiles
    assert fmt_money(m["overview"]["mrr"]) in tiles
    assert fmt_percent(m["churn"]["monthly"]["value"]) in tiles
    assert fmt_percent(m["overview"]["top10_revenue_share"]["value"]) in tiles
    # a data table opens with a click and shows the segment's numbers
    first = m["segments"][0]
    figure = p.locator("#figure-by-segments")
    assert not figure.locator("table").is_visible()
    figure.locator("summary").click()
    row = figure.locator("tbody tr").first.inner_text()
    assert first["name"] in row and fmt_money(first["arpu"]) in row
    # an answer computed from the data sits in its part, beside the chart
    q101 = next(q for q in doc["questions"] if q["id"] == "10.1")
    assert q101["answer"] in p.inner_text("#part-10")


def test_models_charts_and_persona_cards_draw(page: Any, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    html.write_text(render_html(document()), encoding="utf-8")
    tab = Offline(page)
    p = tab.open(html)
    got = drawn(p)
    assert {"retention", "churn-signals", "icp", "mrr-movements"} <= set(got) and all(got.values())
    assert tab.requests == [] and tab.errors == []
    assert "Claire, DAF de PME" in p.inner_text(".personas")


def test_pdf_shows_the_charts(demo_s: Path, tmp_path: Path) -> None:
    pdf = print_pdf(demo_s / "report.html", tmp_path / "report.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 200_000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: cannot read the PDF's text")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Mouvements de MRR par mois" in text
    assert re.search(
        r"janv\. 20\d\d", text
    )  # an axis label of the chart: Vega drew before the print
    assert re.search(r"Page 2 / \d+", text)  # page numbers from the @page margin boxes


def test_report_pdf_from_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from personae.cli import app

    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "report.pdf" in result.output


def test_screenshot_for_the_readme(page: Any, tmp_path: Path) -> None:
    """docs/report.png: the top of demo S's page (the golden dossier.json, whose generation
    date is fixed, so the picture only changes when the page does)."""
    html = tmp_path / "report.html"
    html.write_text(render_html(json.loads(GOLDEN.read_text("utf-8"))), encoding="utf-8")
    page.set_viewport_size({"width": 1200, "height": 900})
    p = Offline(page).open(html)
    shot = SCREENSHOT if os.environ.get("PERSONAE_SCREENSHOTS") else tmp_path / SCREENSHOT.name
    p.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
