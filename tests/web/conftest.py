"""The app in-process through httpx's ASGI transport, on a copy of the demo's answers."""

from __future__ import annotations

import asyncio
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from personae.demo.run import demo_answers_path
from personae.dossier.model import Dossier
from personae.pipeline import compute_dossier
from personae.web import create_app

PORT = 8765
BASE_URL = f"http://127.0.0.1:{PORT}"


@dataclass
class Web:
    """Requests to one app in-process (httpx.ASGITransport is async only)."""

    app: Any
    answers: Path
    out: Path

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
                return await client.request(method, url, **kwargs)

        # in a thread of its own: Playwright's sync API (tests/browser) keeps a loop running
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, go()).result()

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    @property
    def token(self) -> str:
        m = re.search(r'<meta name="csrf-token" content="([^"]+)">', self.get("/").text)
        assert m is not None
        return m.group(1)

    def save(self, aid: str, base: str = "", **fields: str) -> httpx.Response:
        return self.post(f"/answers/{aid}", data={"csrf_token": self.token, "base": base, **fields})


@pytest.fixture(scope="session")
def bare_dossier() -> Dossier:
    """The dossier with no data and no manual answer: what the app overlays answers on."""
    return compute_dossier()


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    shutil.copy(demo_answers_path(), path)
    return path


@pytest.fixture
def web(answers_file: Path, bare_dossier: Dossier) -> Web:
    app = create_app(answers_file, port=PORT, dossier=bare_dossier)
    return Web(app, answers_file, answers_file.parent / "out")
