"""accounts.csv: the Arrow join and writer give the bytes pandas' merges and ``to_csv`` gave.

The reference is the old code itself: successive ``merge(validate="one_to_one")`` then a
stable sort (:func:`merged`, copied from the version before), and ``to_csv`` with
``float_format="%.6g"`` (:func:`personae.render.accounts.pandas_csv`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from personae.render import accounts as csv_mod
from personae.render.accounts import BASE_COLUMNS, account_rows, pandas_csv, render_accounts_csv

TRICKY_FLOATS = [
    0.1 + 0.2,  # 0.30000000000000004 -> 0.3
    -0.0,  # -0: its own bits, not 0's
    0.0,
    1e300,
    -1e-300,
    5e-324,  # the smallest subnormal
    float("inf"),
    float("-inf"),
    float("nan"),
    1234565.0,  # a tie at 6 digits, rounded to even: 1.23456e+06
    1234575.0,  # 1.23458e+06
    999999.5,  # 1e+06
    123456.0,
    0.0001,  # 0.0001, then 1e-05 below
    0.00001,
    2.675,  # 2.67499999… -> 2.675
    12.0,
    -3.5,
]

TRICKY_TEXTS = [
    "plain",
    "a, b",  # the separator
    'say "hi"',  # quotes, doubled inside quotes
    '"',
    "line\nbreak",
    "carriage\rreturn",  # not quoted by Python's csv with lineterminator "\n"
    "crlf\r\n",
    "",  # an empty text is an empty cell, as a missing one
    "Chiffre d'affaires : 2 M€ (−1,0) ; Île-de-France · ß",
    "  spaces around  ",
    "tab\there",
    "semi;colon",
    "nul\x00char",
    "emoji 🚀",
    "#hash",
    "\ufeffbom",
]


def merged(base: pd.DataFrame, model_columns: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The rows as they were built before (pandas merges, then a stable sort)."""
    out = base.loc[:, list(BASE_COLUMNS)]
    for extra in model_columns:
        out = out.merge(extra, on="account_id", how="left", validate="one_to_one")
    return out.sort_values("account_id", kind="stable").reset_index(drop=True)


def same_bytes(frame: pd.DataFrame, *, fast: bool = True) -> bytes:
    """The writer's bytes, checked against pandas'; ``fast``: without pandas' help."""
    if fast:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(csv_mod, "pandas_csv", None)  # calling it would fail
            ours = render_accounts_csv(frame)
    else:
        ours = render_accounts_csv(frame)
    assert ours == pandas_csv(frame).encode("utf-8")
    return ours


def base_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": [f"A{i:03d}" for i in range(n)][::-1],  # not sorted yet
            "name": [f"Société n°{i}" for i in range(n)],
            "status": ["client", "prospect", "ancien client"] * (n // 3) + ["client"] * (n % 3),
            "segment": ["PME"] * n,
            "arr": [float(i * 1234.5) for i in range(n)],
        }
    )


def test_tricky_floats_are_written_as_pandas_wrote_them() -> None:
    n = len(TRICKY_FLOATS)
    frame = pd.DataFrame({"x": TRICKY_FLOATS, "y": np.arange(n, dtype=np.int64)})
    text = same_bytes(frame).decode("utf-8")
    assert text.split("\n")[1:5] == ["0.3,0", "-0,1", "0,2", "1e+300,3"]
    assert "1.23456e+06,9" in text and "\ninf,6\n-inf,7\n,8\n" in text


def test_tricky_texts_are_quoted_as_pandas_quoted_them() -> None:
    n = len(TRICKY_TEXTS)
    for dtype in ("str", object):
        frame = pd.DataFrame({"t": pd.Series(TRICKY_TEXTS, dtype=dtype), "n": range(n)})
        text = same_bytes(frame).decode("utf-8")
        assert '"a, b",1\n"say ""hi""",2\n"""",3\n"line\nbreak",4\ncarriage\rreturn,5\n' in text


def test_missing_values_and_every_kind_of_column() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a", None, "", "b"], dtype="str"),
            "obj": pd.Series(["x", None, np.nan, "é,è"], dtype=object),
            "f": [1.5, np.nan, -0.0, 1e-7],
            "f32": np.array([0.1, 2.5, np.nan, 3], dtype=np.float32),
            "i": np.array([-5, 0, 7, 2**62], dtype=np.int64),
            "u": np.array([1, 2, 3, 4], dtype=np.uint16),
            "b": [True, False, True, False],
        }
    )
    text = same_bytes(frame).decode("utf-8")
    assert text.split("\n")[2] == ",,,2.5,0,2,False"


def test_other_types_are_left_to_pandas() -> None:
    frame = pd.DataFrame(
        {"d": pd.to_datetime(["2026-01-31", None]), "n": pd.array([1, None], dtype="Int64")}
    )
    assert render_accounts_csv(frame) == b"d,n\n2026-01-31,1\n,\n"
    mixed = pd.DataFrame({"o": pd.Series(["a", 1.5], dtype=object), "k": [1, 2]})
    assert same_bytes(mixed, fast=False) == b"o,k\na,1\n1.5,2\n"
    one = pd.DataFrame({"x": [np.nan, 1.0]})  # a single empty cell is written ""
    assert same_bytes(one, fast=False) == b'x\n""\n1\n'


def test_no_rows_is_the_header_alone() -> None:
    frame = base_frame(0)
    assert same_bytes(frame) == b"account_id,name,status,segment,arr\n"


def test_chunks_join_seamlessly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_mod, "CHUNK_ROWS", 4)
    frame = base_frame(11)
    frame["name"] = [TRICKY_TEXTS[i % len(TRICKY_TEXTS)] for i in range(11)]
    assert len(same_bytes(frame).decode("utf-8").split("\n")) > 12


def model_frames(n: int) -> list[pd.DataFrame]:
    ids = [f"A{i:03d}" for i in range(n)]
    return [
        pd.DataFrame({"account_id": ids[::2], "ltv": [i * 1000.25 for i in range(0, n, 2)]}),
        pd.DataFrame(
            {
                "account_id": ids[1::3][::-1],
                "risk": np.arange(len(ids[1::3]), dtype=np.int64) * 250_000,
                "reasons": pd.Series(["a ; b", "", 'x "y"'] * n, dtype="str")[
                    : len(ids[1::3])
                ].to_numpy(),
                "flag": [True, False] * (len(ids[1::3]) // 2) + [True] * (len(ids[1::3]) % 2),
            }
        ),
        pd.DataFrame(
            {"account_id": ids, "score": np.round(np.linspace(0, 100, n), 1), "tier": ["A"] * n}
        ),
    ]


def test_rows_are_the_merged_rows() -> None:
    base, extras = base_frame(40), model_frames(40)
    ours, theirs = account_rows(base, extras), merged(base, extras)
    assert list(ours.columns) == list(theirs.columns)
    assert ours["account_id"].tolist() == sorted(base["account_id"])
    # an integer column with holes became floats in the merge: it is written "%.6g" both ways
    assert ours["risk"].dtype == theirs["risk"].dtype == np.float64
    same = ["account_id", "name", "status", "segment", "arr", "ltv", "risk", "reasons", "score"]
    pd.testing.assert_frame_equal(ours[same], theirs[same])
    assert render_accounts_csv(ours) == pandas_csv(theirs).encode("utf-8")
    assert b"1.25e+06" in render_accounts_csv(ours)


def test_rows_from_arrow_tables_too() -> None:
    base, extras = base_frame(9), model_frames(9)
    tables = [pa.Table.from_pandas(f, preserve_index=False) for f in extras]
    pd.testing.assert_frame_equal(account_rows(base, tables), account_rows(base, extras))


def test_an_account_twice_is_refused() -> None:
    base = base_frame(3)
    twice = pd.DataFrame({"account_id": ["A000", "A000"], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="account_id twice"):
        account_rows(base, [twice])
    with pytest.raises(ValueError, match="account_id twice"):
        account_rows(pd.concat([base, base]), [])
    with pytest.raises(ValueError, match="two models give the column 'x'"):
        account_rows(base, [twice.iloc[:1], twice.iloc[:1]])


finite = st.floats(allow_nan=True, allow_infinity=True, width=64)
texts = st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8"), max_size=12))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, texts, st.integers(-(2**63), 2**63 - 1)), max_size=30))
def test_any_values_give_the_same_bytes(rows: list[tuple[float, str | None, int]]) -> None:
    frame = pd.DataFrame(
        {
            "f": pd.Series([r[0] for r in rows], dtype=np.float64),
            "t": pd.Series([r[1] for r in rows], dtype="str"),
            "i": pd.Series([r[2] for r in rows], dtype=np.int64),
        }
    )
    same_bytes(frame)


def test_a_model_without_rows_or_without_matches() -> None:
    """An empty frame (the ICP's when nothing is scored: an object column of no values) and
    one whose accounts are not in the base: empty cells, as the merge left them."""
    base = base_frame(6)
    empty = pd.DataFrame(
        {
            "account_id": pd.Series([], dtype="str"),
            "score": pd.Series([], dtype=float),
            "reasons": pd.Series([], dtype=object),
            "k": pd.Series([], dtype=np.int64),
        }
    )
    elsewhere = pd.DataFrame({"account_id": ["Z1", "Z2"], "other": ["a,b", "c"]})
    ours, theirs = account_rows(base, [empty, elsewhere]), merged(base, [empty, elsewhere])
    assert ours["reasons"].isna().all() and theirs["reasons"].isna().all()  # None, NaN
    pd.testing.assert_frame_equal(ours.drop(columns="reasons"), theirs.drop(columns="reasons"))
    assert same_bytes(ours) == pandas_csv(theirs).encode("utf-8")
    assert same_bytes(ours).endswith("\nA005,Société n°0,client,PME,0,,,,\n".encode())


def test_a_chunk_of_missing_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_mod, "CHUNK_ROWS", 4)
    frame = base_frame(10)
    frame["reasons"] = pd.Series([None] * 4 + [""] * 4 + ['"q"', None], dtype="str")
    assert same_bytes(frame).endswith(
        b',9876,"""q"""\nA000,Soci' + "été n°9,client,PME,11110.5,\n".encode()
    )


def test_compact_rows_are_written_as_the_plain_rows() -> None:
    """``compact``: the repeated texts become categorical columns (their distinct texts once,
    sorted), the unique ones stay texts; the file is the same bytes."""
    n = 60
    base, extras = base_frame(n), model_frames(n)
    extras[1] = extras[1].drop(columns="flag")  # booleans with holes: left to pandas
    reasons = [TRICKY_TEXTS[i % 5] for i in range(n)]  # repeated, quoted ones among them
    extras.append(
        pd.DataFrame(
            {"account_id": [f"A{i:03d}" for i in range(1, n, 2)], "why": reasons[1::2]}
        ).astype({"why": object})
    )
    plain, small = account_rows(base, extras), account_rows(base, extras, compact=True)
    assert isinstance(small["status"].dtype, pd.CategoricalDtype)
    assert list(small["why"].cat.categories) == sorted(set(reasons[1::2]))
    assert not isinstance(small["name"].dtype, pd.CategoricalDtype)  # unique: kept plain
    assert not isinstance(small["account_id"].dtype, pd.CategoricalDtype)
    for column in plain.columns:
        assert small[column].astype(object).equals(plain[column].astype(object)), column
    assert same_bytes(small) == render_accounts_csv(plain)


def test_compact_arrow_columns_sort_their_texts() -> None:
    table = pa.table({"account_id": ["b", "a", "c", "d"], "t": ["y", None, "x", "y"]})
    small = csv_mod.compact_columns(table)
    assert small["account_id"].type == pa.string()
    t = small["t"].combine_chunks()
    assert t.dictionary.to_pylist() == ["x", "y"] and t.indices.to_pylist() == [1, None, 0, 1]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([*TRICKY_TEXTS, None]), max_size=40))
@example(values=[None, None])  # no category at all: every cell empty
def test_categorical_texts_give_the_same_bytes(values: list[str | None]) -> None:
    frame = pd.DataFrame({"c": pd.Categorical(values), "n": np.arange(len(values), dtype=np.int64)})
    same_bytes(frame)


def test_chunks_come_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_mod, "CHUNK_ROWS", 3)
    frame = base_frame(10)
    chunks = list(csv_mod.accounts_csv_chunks(frame))
    assert len(chunks) == 1 + 4  # the header, then 3 + 3 + 3 + 1 rows
    assert b"".join(chunks) == pandas_csv(frame).encode("utf-8")
