"""A small company's files, mutated as people and programs damage them (bytes, cells,
lines, headers, encodings, line endings, truncation, file types): ``personae validate``
and ``personae report`` only ever exit 0 or 2, never with a traceback (issue 12, item 5).

Derandomized and bounded so that it runs in well under a minute; set
``PERSONAE_FUZZ_EXAMPLES`` to explore more.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from personae.cli import app

runner = CliRunner()

EXAMPLES = int(os.environ.get("PERSONAE_FUZZ_EXAMPLES", "12"))


def _company() -> dict[str, str]:
    rng = random.Random(12)
    sectors = ["Santé", "Industrie", "Commerce", "Numérique"]
    accounts = ["account_id,name,kind,country,industry,employees,acquisition_channel"]
    revenue = ["account_id,date,amount,recurring"]
    deals = ["deal_id,account_id,created_at,status,closed_at,amount,lost_reason"]
    for k in range(1, 13):
        accounts.append(
            f"A{k},Société {k},B2B,{rng.choice(['FR', 'BE'])},{rng.choice(sectors)},"
            f"{rng.choice([8, 40, 300])},{rng.choice(['Outbound', 'SEO'])}"
        )
        price = rng.choice([100, 250, 990])
        for month in range(1, rng.randint(4, 12)):
            revenue.append(f"A{k},2024-{month:02d}-05,{price},true")
        status = rng.choice(["won", "lost", "open"])
        closed = "" if status == "open" else "2024-03-01"
        reason = "Prix" if status == "lost" else ""
        deals.append(f"D{k},A{k},2024-01-10,{status},{closed},{price * 12},{reason}")
    return {
        "accounts.csv": "\n".join(accounts) + "\n",
        "revenue.csv": "\n".join(revenue) + "\n",
        "deals.csv": "\n".join(deals) + "\n",
    }


COMPANY = _company()
FILES = sorted(COMPANY)

CELLS = [
    "", " ", "1e308", "-1e308", "1e20", "NaN", "inf", "-0", "12.5", "1 234,50", "(50)", "Total",
    "Grand Totals", "Total : 28 comptes", "2024-02-30", "31/12/2024", "13/13/2024", "9" * 40,
    '"', '""', "a,b", "a;b", "\x00", "é", "Ã©", "€", "\ufeff", "\u202f", "true", "VRAI",
    "=SUM(A1:A9)", "A1", "A99", "D1", "won", "WON", "x" * 500,
]  # fmt: skip
HEADERS = ["", "account_id", "amount", "countr¥", "employeÃ©s", "date ", "ACCOUNT_ID", "x"]
ENCODINGS = ["utf-8-sig", "cp1252", "utf-16", "mac_roman", "latin-1"]


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, tuple[object, ...]]:
    file = draw(st.sampled_from(FILES))
    kind = draw(
        st.sampled_from(
            ["byte", "truncate", "cell", "header", "line", "encoding", "newlines", "type"]
        )
    )
    if kind == "byte":
        args: tuple[object, ...] = (draw(st.floats(0, 1)), draw(st.integers(0, 255)))
    elif kind == "truncate":
        args = (draw(st.floats(0, 1)),)
    elif kind == "cell":
        args = (draw(st.integers(0, 200)), draw(st.integers(0, 8)), draw(st.sampled_from(CELLS)))
    elif kind == "header":
        args = (draw(st.integers(0, 8)), draw(st.sampled_from(HEADERS)))
    elif kind == "line":
        args = (draw(st.integers(0, 200)), draw(st.sampled_from(["drop", "repeat", "blank"])))
    elif kind == "encoding":
        args = (draw(st.sampled_from(ENCODINGS)),)
    elif kind == "newlines":
        args = (draw(st.sampled_from(["\r", "\r\n", "mixed"])),)
    else:
        args = (draw(st.sampled_from(["empty", "json", "binary", "parquet-named", "one-line"])),)
    return file, kind, args


def _mutate(text: str | bytes, kind: str, args: tuple[object, ...]) -> str | bytes:
    if kind == "encoding":
        encoding = str(args[0])
        raw = text if isinstance(text, bytes) else text.encode(encoding, errors="replace")
        return raw
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if kind == "byte":
        raw = text.encode("utf-8")
        at = int(float(args[0]) * (len(raw) - 1)) if raw else 0
        return raw[:at] + bytes([int(args[1])]) + raw[at + 1 :]
    if kind == "truncate":
        return text[: int(float(args[0]) * len(text))]
    lines = text.split("\n")
    if kind == "cell":
        row, col, value = int(args[0]) % max(len(lines), 1), int(args[1]), str(args[2])
        cells = lines[row].split(",")
        cells[col % len(cells)] = value
        lines[row] = ",".join(cells)
    elif kind == "header":
        cells = lines[0].split(",")
        cells[int(args[0]) % len(cells)] = str(args[1])
        lines[0] = ",".join(cells)
    elif kind == "line":
        row = int(args[0]) % max(len(lines), 1)
        if args[1] == "drop":
            del lines[row]
        elif args[1] == "repeat":
            lines.insert(row, lines[row])
        else:
            lines.insert(row, "")
    elif kind == "newlines":
        if args[0] == "mixed":
            return "".join(line + ("\r", "\r\n", "\n")[k % 3] for k, line in enumerate(lines))
        return str(args[0]).join(lines)
    elif kind == "type":
        what = args[0]
        if what == "empty":
            return ""
        if what == "json":
            return '{"accounts": [' + ", ".join(f'"{x}"' for x in lines) + "]}"
        if what == "binary":
            return bytes(range(256)) * 4
        if what == "one-line":
            return text.replace("\n", ",")
        return b"PAR1" + text.encode("utf-8")[:50] + b"PAR1"
    return "\n".join(lines)


def _invoke(args: list[str]) -> int:
    result = runner.invoke(app, args)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        raise AssertionError(f"{args[0]} raised {exc!r}\n{result.output}") from exc
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    return int(result.exit_code)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(mutation(), min_size=1, max_size=3))
def test_mutated_files_exit_0_or_2_never_a_traceback(
    mutations: list[tuple[str, str, tuple[object, ...]]],
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="personae-fuzz-"))
    try:
        files: dict[str, str | bytes] = dict(COMPANY)
        for file, kind, args in mutations:
            files[file] = _mutate(files[file], kind, args)
        for name, content in files.items():
            raw = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(raw)
        code = _invoke(["validate", "--data", str(folder)])
        if code == 0:
            _invoke(["report", "--data", str(folder), "--out", str(folder / "out")])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
