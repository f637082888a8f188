"""How a CSV file is written: its encoding, its separator and its header, decided once.

One sniffer for every CSV personae reads, the canonical tables (:mod:`personae.sources`)
and the vendors' exports (:mod:`personae.importers`) alike:

- **encoding**: a UTF-8 BOM says UTF-8; a sample that decodes as UTF-8 is UTF-8; anything
  else is detected by charset-normalizer among the encodings spreadsheets and CRMs write
  (Windows-1252, what Excel's French "CSV (séparateur: point-virgule)" writes; ISO-8859-1,
  Salesforce's Data Export; Mac Roman; UTF-16). Nothing is guessed silently: the encoding
  used is reported (:attr:`Sniffed.note`), and a file no candidate decodes is one
  :class:`~personae.errors.Problem` naming its first bad line;
- **separator**: ``,`` ``;`` or tab, the one the header line uses most;
- **header**: the cells of the first line;
- **line endings**: LF, CRLF, CR alone (classic Mac Excel) or a mix, all read the same.

:func:`utf8_path` gives a UTF-8 copy with LF line endings of a file that is not UTF-8 or
that ends lines with a lone CR (streamed, so any size), for DuckDB's ``read_csv``, which
reads UTF-8 (and Latin-1, not Windows-1252) with LF or CRLF only.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from charset_normalizer import from_bytes

from personae.errors import Problem

__all__ = ["SEPARATORS", "Sniffed", "UndecodableError", "decode", "sniff", "utf8_path"]

SEPARATORS = (",", ";", "\t")
SAMPLE = 1 << 20
"""Bytes read to decide the encoding (the whole file when smaller)."""
CANDIDATES = ("cp1252", "latin_1", "mac_roman", "utf_16")
"""What charset-normalizer may choose from when a file is not UTF-8."""

_NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 with BOM",
    "cp1252": "Windows-1252 (or ISO-8859-1: the same letters)",
    "latin_1": "ISO-8859-1",
    "mac_roman": "Mac Roman",
    "utf_16": "UTF-16",
}
SAVE_AS_UTF8 = (
    "save the file again as « CSV UTF-8 » (Excel: Enregistrer sous › CSV UTF-8 (délimité par "
    "des virgules)), or export it again from the source"
)


class UndecodableError(ValueError):
    """No encoding reads the file; ``problem`` names its first bad line."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class Sniffed:
    """How one CSV file is written."""

    path: Path
    encoding: str  # a Python codec name: utf_8, utf_8_sig, cp1252, latin_1, …
    separator: str
    header: list[str]
    mixed_newlines: bool = False  # lines end with CR alone, or with both LF and CRLF

    @property
    def utf8(self) -> bool:
        return self.encoding in ("utf_8", "utf_8_sig")

    @property
    def readable_as_is(self) -> bool:
        """DuckDB reads the file itself: UTF-8 with LF or CRLF line endings."""
        return self.utf8 and not self.mixed_newlines

    @property
    def encoding_name(self) -> str:
        return _NAMES.get(self.encoding, self.encoding)

    def note(self) -> Problem | None:
        """An info line saying the file was not UTF-8 and how it was read; None for UTF-8."""
        if self.utf8:
            return None
        return Problem(
            str(self.path),
            f"read as {self.encoding_name} (the file is not UTF-8; detected by charset-normalizer)",
            hint="nothing to do if accents look right in the dossier; else " + SAVE_AS_UTF8,
            severity="info",
        )


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast("IO[bytes]", gzip.open(path, "rb"))
    return path.open("rb")


def _first_bad_line(path: Path) -> tuple[int, str]:
    """(line number, its text with bad bytes shown as �) of the first line not UTF-8."""
    with _open(path) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number, raw.decode("utf-8", errors="replace").rstrip("\r\n")[:120]
    return 1, ""


def detect_encoding(path: Path) -> str:
    """The codec of ``path`` (see the module docstring); :class:`UndecodableError` if none."""
    with _open(path) as handle:
        sample = handle.read(SAMPLE)
        whole = len(sample) < SAMPLE
    if sample.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf_16"
    try:
        # A large file whose first megabyte is UTF-8 is taken as UTF-8; DuckDB reports
        # any later bad row with its line.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=whole)
        return "utf_8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample, cp_isolation=list(CANDIDATES)).best()
    if best is None or (best.encoding == "utf_16" and b"\x00" not in sample):
        line, text = _first_bad_line(path)
        raise UndecodableError(
            Problem(
                str(path),
                "the file is not text personae can read: neither UTF-8 nor Windows-1252, "
                "ISO-8859-1, Mac Roman or UTF-16",
                line=line,
                value=text or None,
                hint=SAVE_AS_UTF8,
            )
        )
    return "cp1252" if best.encoding in ("cp1252", "latin_1") and _cp1252(sample) else best.encoding


def _cp1252(sample: bytes) -> bool:
    """Windows-1252 rather than ISO-8859-1 when no byte is one of 1252's five holes.

    The two differ only on 0x80–0x9F: printable in 1252 (€ ’ œ …), control characters in
    Latin-1, which no one types; so a file of either reads right as 1252.
    """
    return not any(b in sample for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _first_line(path: Path, encoding: str) -> tuple[str, bool]:
    """The first line (whatever ends it: LF, CRLF or CR), and whether the line endings are
    anything but all LF or all CRLF (a CR alone, or a mix)."""
    with _open(path) as raw:
        sample = raw.read(SAMPLE)
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    cr, crlf, lf = text.count("\r"), text.count("\r\n"), text.count("\n")
    mixed = cr > 0 and not (cr == crlf == lf)
    return _NEWLINE.split(text, maxsplit=1)[0], mixed


def _cells(line: str, separator: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=separator, quotechar='"'), [])
    except csv.Error:  # e.g. a NUL byte: split it plainly, the rows tell the rest
        return line.split(separator)


def sniff(path: Path) -> Sniffed:
    """Encoding, separator and header of ``path``; :class:`UndecodableError` if unreadable."""
    path = Path(path)
    encoding = detect_encoding(path)
    first, mixed = _first_line(path, encoding)
    if not first.strip():
        return Sniffed(path, encoding, ",", [], mixed)
    separator = max(SEPARATORS, key=lambda s: (first.count(s), s == ","))
    return Sniffed(path, encoding, separator, _cells(first, separator), mixed)


def decode(path: Path, encoding: str) -> str:
    """The whole text of ``path`` (for files read row by row), without BOM."""
    with _open(path) as handle:
        return handle.read().decode(encoding).lstrip("\ufeff")


def utf8_path(sniffed: Sniffed, folder: Path) -> Path:
    """``sniffed.path`` itself when UTF-8 with LF or CRLF endings, else a UTF-8 copy with LF
    endings in ``folder`` (streamed; CR alone and CRLF both become LF)."""
    if sniffed.readable_as_is:
        return sniffed.path  # DuckDB reads UTF-8 (with BOM, gzip'd) itself
    encoding = "utf_8_sig" if sniffed.encoding == "utf_8" else sniffed.encoding
    # Bytes that are not UTF-8 in a UTF-8 file go through unchanged, for DuckDB to report.
    errors = "surrogateescape" if sniffed.utf8 else "strict"
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", errors=errors, newline="\n", dir=folder, prefix=".utf8.",
        suffix=".csv", delete=False,
    ) as out:  # fmt: skip
        with _open(sniffed.path) as raw:
            # Universal newlines: \r\n, \r and \n all read as \n.
            reader = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=None)
            shutil.copyfileobj(reader, out, SAMPLE)
        return Path(out.name)
