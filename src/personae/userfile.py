"""Reading a file a person names (answers.yaml, personae.toml, a template) with one clean
error for every way it can fail: missing, a folder, unreadable, not UTF-8."""

from __future__ import annotations

from pathlib import Path

from personae.errors import InputError, Problem

MAX_BYTES = 5_000_000
"""The largest settings, answers or template file read: theirs are a few dozen kB."""


def read_user_text(path: Path, error: type[InputError], what: str, hint: str) -> str:
    """The text of ``path`` (UTF-8, BOM allowed); else ``error`` naming the file and the fix.

    ``what`` names the file for the person ("answers file"); ``hint`` says how to get one.
    """
    file = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise error(
                f"{file}: too large",
                [
                    Problem(
                        file,
                        f"the file is too large for the {what} ({size:,} bytes, at most "
                        f"{MAX_BYTES:,})".replace(",", "\u202f"),
                        hint="check that this is the right file",
                    )
                ],
            )
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(
            f"{file}: no such {what}", [Problem(file, "file not found", hint=hint)]
        ) from None
    except IsADirectoryError:
        raise error(
            f"{file}: is a folder", [Problem(file, f"is a folder, not the {what}", hint=hint)]
        ) from None
    except UnicodeDecodeError as exc:
        raise error(
            f"{file}: not UTF-8",
            [Problem(file, f"not UTF-8 text ({exc.reason})", hint="save it as UTF-8")],
        ) from None
    except OSError as exc:
        raise error(
            f"{file}: cannot be read",
            [Problem(file, exc.strerror or str(exc), hint="check the path and its permissions")],
        ) from None
