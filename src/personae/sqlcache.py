"""The SQL that Ibis compiled, kept for the next run: compiling is a fixed cost of every
report (about 8 ms an expression, 0.6 s for the 70-odd queries of a report), paid again
each time the data changes even when the questions asked of it do not.

Compiling is a pure function of the expression and of the libraries that compile it, so the
SQL is kept under a digest of the expression itself (its pickle: every table, column, type,
literal and operation, the backend's class and connection arguments) in a file named after
the libraries' versions and personae's own files (:func:`personae.cache.tooling`). A run over
the same tables with the same as-of date and settings — the data re-exported the same month,
a row corrected — finds every query compiled; any other expression is compiled by Ibis and
kept. An expression that cannot be pickled is simply compiled. The file is JSON (digest →
SQL), written atomically at the end of a run that compiled something new, bounded to
:data:`KEEP_QUERIES` queries; a file that cannot be read is ignored. It lives beside the
kept numbers (:func:`personae.cache.cache_dir`) and obeys the same switch
(``PERSONAE_NO_CACHE=1``, ``personae report --no-cache``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from personae import profiling

KEEP_QUERIES = 1000
"""Queries kept (the last run's first): a report compiles about a hundred, 2 kB each."""

_active: SqlCache | None = None


class SqlCache:
    """Compiled SQL by the digest of its expression, read from and written to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, str] = _read(path)
        self.used: dict[str, str] = {}  # this run's, in the order compiled
        self.hits = 0

    def sql(self, expr: Any, compile: Callable[[], str]) -> str:
        """The SQL of ``expr``: kept from an earlier run, else ``compile()`` (then kept)."""
        with profiling.phase("sql: looking up the SQL compiled by earlier runs"):
            key = digest(expr)
            sql = None if key is None else self.used.get(key) or self.known.get(key)
        if sql is None:
            sql = compile()
        else:
            self.hits += 1
        if key is None:
            return sql
        self.used[key] = sql
        return sql

    def save(self) -> None:
        """Write the file if this run compiled anything it did not hold; never fails."""
        if all(key in self.known for key in self.used):
            return
        kept = dict(self.used)
        for key, sql in self.known.items():
            if len(kept) >= KEEP_QUERIES:
                break
            kept.setdefault(key, sql)
        from personae.cache import write_atomically

        def write(f: BinaryIO) -> None:
            f.write(json.dumps(kept).encode())

        with contextlib.suppress(OSError):
            write_atomically(self.path, write)
            for other in self.path.parent.glob("sql-*.json"):
                if other != self.path:
                    other.unlink(missing_ok=True)  # compiled by other versions


def digest(expr: Any) -> str | None:
    """BLAKE2b of the pickled expression, or None when it cannot be pickled."""
    try:
        data = pickle.dumps(expr.op(), protocol=5)
    except Exception:  # a connection object, a lambda…: compiled every time
        return None
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _read(path: Path) -> dict[str, str]:
    try:
        kept = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(kept, dict):
        return {}
    return {k: v for k, v in kept.items() if isinstance(k, str) and isinstance(v, str)}


def active() -> SqlCache | None:
    """The cache compiling goes through in this run, if any (:func:`remembering`)."""
    return _active


@contextlib.contextmanager
def remembering(on: bool = True) -> Iterator[SqlCache | None]:
    """Compile through the kept SQL inside the block (when ``on`` and the cache is enabled),
    and keep what was compiled at its end."""
    global _active
    from personae import cache

    if not (on and cache.enabled()):
        yield None
        return
    memo = SqlCache(cache.cache_dir() / f"sql-{cache.tooling_digest()}.json")
    previous, _active = _active, memo
    try:
        yield memo
        memo.save()
    finally:
        _active = previous
