"""Writing output files atomically: each to a temporary file beside it, then renamed.

A reader of the output folder sees either the old files or the new ones, never a half
written file; an error before :func:`write_files` is called leaves the folder untouched,
and so does a failure while writing (the temporary files are removed). Temporary files a
killed run left behind are removed by the next one. New files follow the user's umask;
a replaced file keeps its mode. :func:`check_out_dir` says what is wrong with an output
folder before any work is done; :func:`write_file` writes one file (``personae serve``
saving answers.yaml).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeAlias

from personae.errors import OutputError, Problem

Content: TypeAlias = str | bytes | Iterable[bytes]
"""A file's content: text (UTF-8), bytes, or bytes a chunk at a time (a big CSV file)."""

STALE_SECONDS = 600  # a temporary file older than this was left by a run that died


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _stage(folder: Path, name: str, content: Content) -> Path:
    """``content`` in a temporary file of ``folder``, flushed to disk; its path."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(content, str):
                fh.write(content.encode("utf-8"))
            elif isinstance(content, bytes):
                fh.write(content)
            else:  # written as it comes: never whole in memory
                for chunk in content:
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, _mode(folder / name))
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Path(tmp_name)


def _clean_stale(folder: Path, names: Iterable[str]) -> None:
    now = time.time()
    for name in names:
        for tmp in folder.glob(f".{name}.*.tmp"):
            try:
                if now - tmp.stat().st_mtime > STALE_SECONDS:
                    tmp.unlink()
            except OSError:
                continue


def check_out_dir(out_dir: Path, names: Iterable[str]) -> None:
    """Raise :class:`OutputError` now if ``out_dir`` cannot receive ``names``."""
    problems = []
    where = str(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(Problem(where, "is a file, not a folder", hint="give a folder to --out"))
    elif out_dir.is_dir():
        if not os.access(out_dir, os.W_OK | os.X_OK):
            problems.append(
                Problem(where, "is not writable", hint="choose another --out or fix its rights")
            )
        for name in names:
            if (out_dir / name).is_dir():
                problems.append(
                    Problem(
                        str(out_dir / name),
                        "is a folder where the output file goes",
                        hint="move it away or choose another --out",
                    )
                )
    else:
        parent = next((p for p in out_dir.parents if p.exists()), None)
        if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            problems.append(
                Problem(
                    where, "cannot be created", hint=f"check that {parent} is a writable folder"
                )
            )
    if problems:
        raise OutputError(f"{where}: cannot write the outputs there", problems)


def write_files(out_dir: Path, files: Mapping[str, Content]) -> dict[str, Path]:
    """Write ``{name: content}`` into ``out_dir``; all temporary files first, then renames."""
    check_out_dir(out_dir, files)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _clean_stale(out_dir, files)
    except OSError as exc:
        raise OutputError(
            f"{out_dir}: cannot write the outputs there",
            [Problem(str(out_dir), exc.strerror or str(exc))],
        ) from None
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            staged.append((name, _stage(out_dir, name, content)))
        written = {}
        for name, staged_path in staged:
            target = out_dir / name
            os.replace(staged_path, target)
            written[name] = target
    except OSError as exc:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise OutputError(
            f"{out_dir}: cannot write the outputs there",
            [Problem(exc.filename or str(out_dir), exc.strerror or str(exc))],
        ) from None
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    return written


def write_file(path: Path, content: str | bytes) -> Path:
    """Replace the file ``path`` atomically by ``content`` (its folder must exist)."""
    return write_files(path.parent, {path.name: content})[path.name]
