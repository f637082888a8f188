"""The numbers of the last run, kept for the next one: a rerun after editing answers.yaml
(or the template, or nothing) reads them instead of the data.

Computing is the slow part of ``personae report`` (reading and checking every table, every
metric and model), and it depends only on three things: the data, the settings, and
personae itself with the libraries it computes with. After a run, what it computed (the
metrics, the models' summaries, accounts.csv as written, the data's warnings) is kept in
the cache folder under a *fingerprint* of those three; the next run with the same
fingerprint reads it back (a fraction of a second) and only fills in the answers and writes
the files. Anything else — one byte of a data file, a setting, the as-of date, another
version of personae or of DuckDB, Ibis, pandas, NumPy, SciPy, scikit-learn or Arrow — gives
another fingerprint, and the numbers are computed again.

- **The data's fingerprint**: every file of the data folder (or the DuckDB file), by name,
  size and modification time, and the content itself (BLAKE2b) of every file up to
  :data:`HASHED_BYTES`: a small company's files are compared byte for byte; a larger file
  rewritten with the same size and modification time to the nanosecond would go unnoticed
  (as with ``make``). A database URL or an open connection is never cached: its tables can
  change without personae seeing it.
- **Where**: ``$PERSONAE_CACHE_DIR``, else ``$XDG_CACHE_HOME/personae``, else
  ``~/.cache/personae``; one file per data source, written atomically, the
  :data:`KEEP` most recently used kept; nothing is kept for more than :data:`KEEP_ROWS`
  accounts. ``PERSONAE_NO_CACHE=1`` (or ``personae report
  --no-cache``) neither reads nor writes it. A file that cannot be read is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from personae.errors import Problem

if TYPE_CHECKING:
    from personae.settings import Settings

FORMAT = 2
"""Bumped when what is kept changes shape: older files are then computed again."""

HASHED_BYTES = 64 << 20
"""Files up to this size (64 MB) are fingerprinted by their content, larger ones by size
and modification time."""

KEEP = 8
"""Cache files kept (one per data source), the most recently used."""

KEEP_ROWS = 1_000_000
"""Above this many accounts, nothing is kept: writing the rows would cost seconds and
memory at the end of a long run, and the rerun would still read them back."""

LIBRARIES = (
    "duckdb",
    "ibis-framework",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "scikit-learn",
    "sqlglot",
)
"""The libraries whose version can change a number (sqlglot writes Ibis' SQL)."""


@dataclass(frozen=True)
class Computed:
    """What a report computed from the data, before answers and files."""

    metrics: dict[str, Any]
    models: dict[str, Any]
    accounts_csv: bytes | None  # accounts.csv as written (no pandas needed to read it back)
    warnings: list[Problem] = field(default_factory=list)
    currency: str | None = None  # of the data (_meta.json), None when not recorded
    computed_at: str = ""  # when, as YYYY-MM-DD HH:MM (local time)
    accounts: int = 0  # rows of accounts.csv


def enabled() -> bool:
    """False when ``PERSONAE_NO_CACHE`` is set (to anything but 0 or empty)."""
    return os.environ.get("PERSONAE_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """Where personae keeps what it can rebuild (these numbers, the charts' JavaScript bundle):
    ``$PERSONAE_CACHE_DIR``, ``$XDG_CACHE_HOME/personae`` or ``~/.cache/personae``."""
    own = os.environ.get("PERSONAE_CACHE_DIR")
    if own:
        return Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "personae"


def fingerprint(data: Any, settings: Settings) -> str | None:
    """The fingerprint of a report's computing, or None when ``data`` cannot be cached
    (a URL, a connection, a path that is neither a folder nor a file)."""
    if not isinstance(data, str | os.PathLike):
        return None
    text = os.fspath(data)
    if "://" in text:
        return None
    path = Path(text)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file())
    elif path.is_file():
        files = [path, *(p for p in [path.with_name(path.name + ".wal")] if p.is_file())]
    else:
        return None
    h = hashlib.blake2b(digest_size=20)
    for part in (f"format {FORMAT}", repr(settings), *tooling()):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for file in files:
        _add_file(h, file)
    return h.hexdigest()


def _add_file(h: Any, file: Path) -> None:
    st = file.stat()
    h.update(f"{file.name}\0{st.st_size}\0".encode("utf-8", "surrogateescape"))
    if st.st_size > HASHED_BYTES:
        h.update(f"{st.st_mtime_ns}\0".encode())
        return
    with file.open("rb") as f:
        h.update(hashlib.file_digest(f, "blake2b").digest())


def tooling() -> tuple[str, ...]:
    """What computes the numbers: personae's own files and the libraries' versions."""
    return (*_code(), *_libraries())


def tooling_digest() -> str:
    """A short digest of :func:`tooling`, to name what only these versions can read."""
    h = hashlib.blake2b(digest_size=10)
    for part in tooling():
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def _code() -> list[str]:
    """personae's version and every file of the package (name, size, modification time)."""
    import personae

    root = Path(personae.__file__).parent
    parts = [f"personae {personae.__version__}"]
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            st = os.stat(os.path.join(dirpath, name))
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            parts.append(f"{rel} {st.st_size} {st.st_mtime_ns}")
    return parts


def _libraries() -> list[str]:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return versions


def _entry(data: Any) -> Path:
    """The cache file of one data source (its resolved path)."""
    where = str(Path(os.fspath(data)).resolve())
    name = hashlib.blake2b(where.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    return cache_dir() / f"{name}.pickle"


def recall(data: Any, key: str) -> Computed | None:
    """What a run with fingerprint ``key`` computed from ``data``, if kept; else None."""
    entry = _entry(data)
    try:
        with entry.open("rb") as f:
            if f.readline().rstrip(b"\n") != key.encode():
                return None
            kept = pickle.load(f)
        os.utime(entry)  # most recently used
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    return kept if isinstance(kept, Computed) else None


def keeps(accounts: int) -> bool:
    """Whether the numbers of a company with ``accounts`` rows in accounts.csv are kept."""
    return accounts <= KEEP_ROWS


def keep(data: Any, key: str, computed: Computed) -> None:
    """Keep ``computed`` for ``data`` under ``key`` (atomically), unless it has more than
    :data:`KEEP_ROWS` accounts; never fails the report."""
    if not keeps(computed.accounts):
        return
    try:

        def write(f: BinaryIO) -> None:
            f.write(key.encode() + b"\n")
            pickle.dump(computed, f, protocol=pickle.HIGHEST_PROTOCOL)

        write_atomically(_entry(data), write)
        _prune(cache_dir())
    except (OSError, pickle.PicklingError):
        return


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """``write`` the file ``path`` of the cache folder through a temporary file beside it,
    so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".personae-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(folder: Path) -> None:
    """Only the :data:`KEEP` most recently used files are kept, and no temporary file a killed
    run left (older than an hour)."""
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
    for tmp in folder.glob(".personae-*.tmp"):
        if time.time() - tmp.stat().st_mtime > 3600:
            tmp.unlink(missing_ok=True)


def now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M")
