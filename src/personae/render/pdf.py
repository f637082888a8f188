"""``report.pdf``: ``report.html`` printed by a headless Chromium, when one is installed.

The page's print styles give the layout (A4, a page break per part, table headers repeated,
page numbers in the ``@page`` margin boxes), so Chromium's own header and footer are turned
off. ``--virtual-time-budget`` lets the page's scripts draw every chart before printing.
Chromium runs with a throwaway profile and its background network features disabled; the
page's Content-Security-Policy forbids any request anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from personae.errors import PersonaeError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_CHROMIUM = "/usr/bin/chromium"
HOW_TO_GET_ONE = (
    "no Chromium found to print report.pdf; install one (Debian/Ubuntu: "
    "`sudo apt-get install chromium`) or set PERSONAE_CHROMIUM to its path, then run again. "
    "report.html is written: open it in a browser and print it."
)
TIMEOUT_S = 180
BUDGET_MS = 30_000


class NoChromiumError(PersonaeError):
    """No Chromium to print with: the report is written without its PDF."""


class PdfError(PersonaeError):
    """Chromium ran but did not print the PDF."""


def find_chromium() -> str | None:
    """``$PERSONAE_CHROMIUM``, else Debian's ``/usr/bin/chromium``, else one on the PATH."""
    env = os.environ.get("PERSONAE_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    if Path(DEBIAN_CHROMIUM).is_file():
        return DEBIAN_CHROMIUM
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(chromium: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--run-all-compositor-stages-before-draw",
        f"--virtual-time-budget={BUDGET_MS}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]


def print_pdf(html: Path, pdf: Path, *, chromium: str | None = None) -> Path:
    """Print ``html`` to ``pdf`` (written atomically); :class:`NoChromiumError` without one."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise NoChromiumError(HOW_TO_GET_ONE)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="personae-chromium-") as tmp:
        staged = Path(tmp) / "report.pdf"
        cmd = chromium_command(chromium, html, staged, Path(tmp) / "profile")
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"Chromium ({chromium}) could not print {html}: {exc}") from exc
        if not staged.is_file() or staged.stat().st_size == 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise PdfError(
                f"Chromium ({chromium}) did not print {html} (exit {done.returncode}): {tail}"
            )
        fd, part = tempfile.mkstemp(prefix=".report.pdf.", suffix=".tmp", dir=pdf.parent)
        os.close(fd)
        shutil.copyfile(staged, part)
        os.chmod(part, 0o644)
        os.replace(part, pdf)
    return pdf
