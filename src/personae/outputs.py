"""Writing output files atomically: each to a temporary file beside it, then renamed.

A reader of the output folder sees either the old files or the new ones, never a half
written file; an error before :func:`write_files` is called leaves the folder untouched.
:func:`write_file` does the same for one file (``personae serve`` saving answers.yaml).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def _stage(folder: Path, name: str, content: str | bytes) -> Path:
    """``content`` in a temporary file of ``folder``, flushed to disk; its path."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    os.chmod(tmp_name, 0o644)
    return Path(tmp_name)


def write_files(out_dir: Path, files: Mapping[str, str | bytes]) -> dict[str, Path]:
    """Write ``{name: content}`` into ``out_dir``; all temporary files first, then renames."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            staged.append((name, _stage(out_dir, name, content)))
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    written = {}
    for name, staged_path in staged:
        target = out_dir / name
        os.replace(staged_path, target)
        written[name] = target
    return written


def write_file(path: Path, content: str | bytes) -> Path:
    """Replace the file ``path`` atomically by ``content`` (its folder must exist)."""
    return write_files(path.parent, {path.name: content})[path.name]
