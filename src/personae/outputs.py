"""Writing output files atomically: each to a temporary file beside it, then renamed.

A reader of the output folder sees either the old files or the new ones, never a half
written file; an error before :func:`write_files` is called leaves the folder untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_files(out_dir: Path, files: Mapping[str, str | bytes]) -> dict[str, Path]:
    """Write ``{name: content}`` into ``out_dir``; all temporary files first, then renames."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    written = {}
    for name, staged_path in staged:
        target = out_dir / name
        os.chmod(staged_path, 0o644)
        os.replace(staged_path, target)
        written[name] = target
    return written
