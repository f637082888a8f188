"""personae serve in a real browser: Debian's chromium driven by Playwright, against a real
uvicorn server on 127.0.0.1 (a thread, stopped at the end). Skipped without chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Page, expect
from ruamel.yaml import YAML

from personae.demo import generate
from personae.demo.run import demo_answers_path
from personae.dossier.model import Dossier
from personae.pipeline import compute_dossier
from personae.web import create_app

# pytest-base-url (pulled in by pytest-playwright's page) defines its session fixture in a
# way pytest 9 deprecates; harmless here.

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "serve.png"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch, with Debian's chromium (never `playwright install`)."""
    path = _chromium()
    if path is None:
        pytest.skip("no chromium found (Debian: apt-get install chromium; .ci/run installs it)")
    return {**browser_type_launch_args, "executable_path": path}


@pytest.fixture(scope="module")
def demo_dossier(tmp_path_factory: pytest.TempPathFactory) -> Dossier:
    """The demo company's numbers, computed once (no manual answer): what serve overlays."""
    data = generate(tmp_path_factory.mktemp("quickfund"), size="S", seed=0)
    return compute_dossier(data=data)


@dataclass
class Server:
    url: str
    answers: Path

    def yaml(self) -> dict[str, Any]:
        return dict(YAML(typ="safe").load(self.answers.read_text(encoding="utf-8")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, demo_dossier: Dossier) -> Iterator[Server]:
    answers = tmp_path / "answers.yaml"
    shutil.copy(demo_answers_path(), answers)
    port = _free_port()
    app = create_app(answers, port=port, dossier=demo_dossier)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", answers)
    finally:
        running.should_exit = True
        thread.join(10)


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_answer_a_question_and_see_it_in_answers_yaml(
    page: Page, server: Server, console_errors: list[str]
) -> None:
    # the demo answers every question: leave 12.4 open, as a founder would find it
    text = server.answers.read_text(encoding="utf-8")
    server.answers.write_text(
        "\n".join(line for line in text.split("\n") if not line.startswith('"12.4"')),
        encoding="utf-8",
    )
    page.goto(server.url + "/")
    expect(page.locator("h1")).to_have_text("Segments Clients & Personas - Quickfund")
    page.get_by_role(
        "link", name="12.4 Avez-vous un process de récupération des prospects perdus ?"
    ).click()
    entry = page.locator("#f-12\\.4")
    expect(entry).to_contain_text("Sans réponse — manque : réponse manuelle")
    entry.get_by_role("textbox").fill("Oui : une relance à 6 mois, faite à la main.")
    entry.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(server.url + "/sections/12#f-12.4")
    expect(entry).to_contain_text("saisi à la main")
    assert server.yaml()["12.4"] == "Oui : une relance à 6 mois, faite à la main."
    assert console_errors == []


def test_hit_a_conflict_then_keep_my_version(page: Page, server: Server) -> None:
    page.goto(server.url + "/sections/5")
    entry = page.locator("#f-5\\.3")
    # meanwhile, someone edits answers.yaml in an editor
    text = server.answers.read_text(encoding="utf-8")
    server.answers.write_text(text.replace("Benelux et DACH", "Italie"), encoding="utf-8")
    entry.get_by_role("textbox").fill("Benelux seulement.")
    with page.expect_response(lambda r: r.url.endswith("/answers/5.3")) as resp:
        entry.get_by_role("button", name="Enregistrer").click()
    assert resp.value.status == 409
    expect(page.locator("h1")).to_contain_text("Conflit")
    expect(page.locator(".theirs")).to_contain_text("Italie, en s'appuyant sur des partenaires")
    mine = page.locator(".mine")
    expect(mine.get_by_role("textbox")).to_have_value("Benelux seulement.")
    assert server.yaml()["5.3"].startswith("Italie")  # nothing written yet
    mine.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(server.url + "/sections/5#f-5.3")
    assert server.yaml()["5.3"] == "Benelux seulement."


def test_a_save_without_the_token_is_refused(page: Page, server: Server) -> None:
    before = server.answers.read_text(encoding="utf-8")
    page.goto(server.url + "/sections/6")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token and len(token) >= 40
    entry = page.locator("#f-6\\.3")
    entry.locator("summary").click()  # computed from the data: corrected by hand on request
    entry.locator('input[name="csrf_token"]').evaluate("e => e.remove()")
    entry.get_by_role("textbox").fill("40 %")
    with page.expect_response(lambda r: r.url.endswith("/answers/6.3")) as resp:
        entry.get_by_role("button", name="Enregistrer").click()
    assert resp.value.status == 403
    expect(page.locator("h1")).to_have_text("Enregistrement refusé")
    expect(page.locator("pre")).to_have_text("40 %")  # the person's text, to copy
    assert server.answers.read_text(encoding="utf-8") == before


def test_the_form_as_a_person_sees_it(page: Page, server: Server, tmp_path: Path) -> None:
    """A validation error beside its field, the input kept; the screenshot of the README."""
    page.set_viewport_size({"width": 1000, "height": 760})
    page.goto(server.url + "/sections/6")
    entry = page.locator("#f-6\\.icp\\.taille")
    entry.locator("summary").click()  # computed from the data: corrected by hand on request
    entry.get_by_role("textbox").fill("beaucoup")
    entry.get_by_role("button", name="Enregistrer").click()
    expect(entry.locator(".error")).to_have_text("Attendu : une fourchette, ex. 10-50 employés.")
    expect(entry.get_by_role("textbox")).to_have_value("beaucoup")
    assert "6.icp.taille" not in server.yaml()  # nothing written
    page.locator("#f-6\\.3").evaluate("e => e.scrollIntoView()")
    shot = SCREENSHOT if os.environ.get("PERSONAE_SCREENSHOTS") else tmp_path / SCREENSHOT.name
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size < 300_000
