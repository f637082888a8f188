"""``accounts.csv``: one row per account, client or prospect, ready to import into a CRM.

The base columns (id, name, status, segment, ARR) come from the metrics session's accounts
table; each model adds its own columns (ICP score and tier, churn risk, expansion signal,
each with its reasons) through :class:`~personae.models.run.ModelOutput`.

Three million accounts (demo L) must not cost minutes, so neither step goes through pandas'
row-wise machinery: :func:`account_rows` joins the models' columns in Arrow (one hash lookup
of each model's account ids, no successive merges), and :func:`render_accounts_csv`
assembles the CSV with Arrow's string kernels, a chunk of rows at a time. The bytes are the
ones ``DataFrame.to_csv(index=False, float_format="%.6g", lineterminator="\\n")`` writes
(:func:`pandas_csv`, still used for a column type the fast path does not know):

- a float is ``"%.6g" % x`` (``0.3``, ``1.23457e+06``, ``-0``, ``inf``), formatted once per
  distinct value; NaN is an empty cell;
- an integer is its decimal digits, a boolean ``True`` or ``False``;
- a text is quoted only when it holds a comma, a double quote (doubled) or a line feed
  (Python's csv module, ``QUOTE_MINIMAL``; a carriage return alone is not quoted); a
  missing text is an empty cell;
- UTF-8, ``\\n`` at the end of every line, the header first.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STATUS_CLIENT = "client"
STATUS_FORMER = "ancien client"
STATUS_PROSPECT = "prospect"

BASE_COLUMNS = ("account_id", "name", "status", "segment", "arr")

FLOAT_FORMAT = "%.6g"
CHUNK_ROWS = 65_536  # rows formatted at a time: a few MB of text, never 2 GB in one array

Frame: TypeAlias = pd.DataFrame | pa.Table
Cells: TypeAlias = Callable[[int, int], pa.Array]  # (start, stop) -> the rows' cells, as CSV text


def account_rows(
    base: Frame, model_columns: Sequence[Frame], *, compact: bool = False
) -> pd.DataFrame:
    """The base rows, sorted by ``account_id``, with every model's columns joined on it
    (a left join: an account a model does not score has empty cells).

    The ids are hashed once into one dictionary (:func:`_codes`) while the base is sorted,
    on two threads; then each model's rows are found by integer lookups and its columns
    taken in the base's order (Arrow frees the GIL).

    ``compact``: a text column (but ``account_id``) whose values repeat is a categorical
    column (:func:`compact_columns`); the same cells, written the same by
    :func:`render_accounts_csv`, in a fraction of the memory (demo L: 3.2 million
    accounts whose ICP reasons are 5 800 texts)."""
    table = _arrow(base).select(list(BASE_COLUMNS))
    if compact:
        table = compact_columns(table)
    extras = [compact_columns(m) if compact else _arrow(m) for m in model_columns]
    n = table.num_rows
    with ThreadPoolExecutor(max_workers=pa.cpu_count()) as pool:
        sorting = pool.submit(pc.sort_indices, table, [("account_id", "ascending")])
        hashing = pool.submit(_codes, [table["account_id"], *(m["account_id"] for m in extras)])
        order = sorting.result()
        sorted_base = pool.submit(table.take, order)
        codes = hashing.result()
        if not np.array_equal(codes[0], np.arange(n)):
            raise ValueError("accounts.csv: the accounts hold an account_id twice")
        row_of = np.empty(n, dtype=np.int64)  # an account's code (its row in the base) ->
        row_of[order.to_numpy()] = np.arange(n)  # its row once sorted
        taken = []
        for more, code in zip(extras, codes[1:], strict=True):
            if len(code) and np.bincount(code).max() > 1:
                what = more.column_names[1:]
                raise ValueError(f"accounts.csv: the model columns {what} hold an account_id twice")
            known = code < n  # an account of the base
            at = np.full(n, -1, dtype=np.int64)
            at[row_of[code[known]]] = np.flatnonzero(known)
            rows = pa.array(at, mask=at < 0)
            taken += [
                (name, pool.submit(column.take, rows))
                for name, column in zip(more.column_names, more.columns, strict=True)
                if name != "account_id"
            ]
        table = sorted_base.result()
        for name, column in taken:
            if name in table.column_names:
                raise ValueError(f"accounts.csv: two models give the column {name!r}")
            table = table.append_column(name, column.result())
    frame: pd.DataFrame = table.replace_schema_metadata(None).to_pandas()
    return frame


def render_accounts_csv(accounts: pd.DataFrame) -> bytes:
    """The CSV file (UTF-8, comma, decimal point: what CRMs import)."""
    return b"".join(accounts_csv_chunks(accounts))


def accounts_csv_chunks(accounts: pd.DataFrame) -> Iterator[bytes]:
    """The CSV file's bytes, a chunk of rows at a time (the header first): written to a
    file as they come, the whole text (half a gigabyte on demo L) is never in memory."""
    cells = [_cells(accounts.iloc[:, i]) for i in range(accounts.shape[1])]
    labels = list(accounts.columns)
    known = [c for c in cells if c is not None]
    if len(cells) < 2 or len(known) < len(cells) or not all(isinstance(c, str) for c in labels):
        yield pandas_csv(accounts).encode("utf-8")  # a type (or a header) left to pandas
        return
    n = len(accounts)

    def lines(start: int) -> bytes:
        stop = min(start + CHUNK_ROWS, n)
        rows = pc.binary_join_element_wise(*(c(start, stop) for c in known), ",")
        chunk: bytes = _text(pc.binary_join_element_wise(rows, "\n", "")).to_pybytes()
        return chunk

    yield _header(labels)
    workers = pa.cpu_count()
    with ThreadPoolExecutor(max_workers=workers) as pool:  # Arrow frees the GIL
        ahead: deque[Future[bytes]] = deque()  # a few chunks formatted ahead, in order
        for start in range(0, n, CHUNK_ROWS):
            ahead.append(pool.submit(lines, start))
            if len(ahead) > 2 * workers:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


def compact_columns(frame: Frame) -> pa.Table:
    """``frame`` in Arrow, each text column but ``account_id`` dictionary-encoded (its
    distinct texts once, sorted, and a code per row) when its rows hold each text twice or
    more on average; the other columns as :func:`_arrow` converts them."""
    if isinstance(frame, pa.Table):
        columns = {
            name: _compact_arrow(name, column)
            for name, column in zip(frame.column_names, frame.columns, strict=True)
        }
        return pa.table(columns)
    texts = {
        name: _compact_series(frame[name])
        for name in frame.columns
        if name != "account_id" and _is_text(frame[name])
    }
    rest = _arrow(frame.drop(columns=list(texts)))
    return pa.table(
        {
            name: texts[name] if name in texts else rest[name]
            for name in frame.columns  # in the frame's order
        }
    )


def _compact_arrow(name: str, column: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
    if name == "account_id" or not text or not len(column):
        return column
    encoded = column.combine_chunks().dictionary_encode()
    if 2 * len(encoded.dictionary) > len(encoded):
        return column
    order = pc.sort_indices(encoded.dictionary)
    rank = pc.sort_indices(order)  # an old code -> its new code, once sorted
    codes = pc.take(rank, encoded.indices).cast(pa.int32())
    return pa.DictionaryArray.from_arrays(codes, encoded.dictionary.take(order))


def _compact_series(column: pd.Series) -> pa.Array:
    codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
    words = pa.array(np.asarray(uniques, dtype=object), type=pa.string())
    if 2 * len(words) > len(codes):
        return words.take(pa.array(codes, mask=codes < 0))
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32), mask=codes < 0), words)


def pandas_csv(accounts: pd.DataFrame) -> str:
    """The CSV as pandas writes it: the reference :func:`render_accounts_csv` matches."""
    text: str = accounts.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return text


def _arrow(frame: Frame) -> pa.Table:
    if isinstance(frame, pa.Table):
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


def _codes(ids: Sequence[pa.ChunkedArray]) -> list[np.ndarray]:
    """Each id's code in one dictionary of them all, in order of first appearance: the base
    comes first, so an account's code is its row in the base when the base holds each
    account once."""
    keys = pa.chunked_array(
        [c for k in ids for c in k.cast(pa.large_string()).chunks], pa.large_string()
    )
    encoded = pc.dictionary_encode(keys, null_encoding="encode")
    flat = [np.asarray(c.indices.to_numpy(), dtype=np.int64) for c in encoded.chunks]
    every = np.concatenate(flat) if flat else np.zeros(0, dtype=np.int64)
    return np.split(every, np.cumsum([len(k) for k in ids])[:-1])


def _cells(column: pd.Series) -> Cells | None:
    """How a column's values are written, or None for a type left to pandas."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return _float_cells(column.to_numpy(dtype=np.float64))
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        ints = column.to_numpy()
        return lambda a, b: pc.cast(pa.array(ints[a:b]), pa.string())
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        flags = column.to_numpy()
        return lambda a, b: pc.if_else(pa.array(flags[a:b]), "True", "False")
    if isinstance(dtype, pd.CategoricalDtype) and (
        len(dtype.categories) == 0 or _is_text(pd.Series(dtype.categories))
    ):  # no category at all: every cell empty
        words = _quoted(pa.array(np.asarray(dtype.categories, dtype=object), pa.string()))
        codes = column.cat.codes.to_numpy()
        return lambda a, b: words.take(pa.array(codes[a:b], mask=codes[a:b] < 0)).fill_null("")
    if _is_text(column):
        texts = pa.chunked_array(_arrow(column.to_frame(name="text")).column(0), type=pa.string())
        return lambda a, b: _quoted(texts.slice(a, b - a).combine_chunks())
    return None


def _is_text(column: pd.Series) -> bool:
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        return bool(dtype.pyarrow_dtype == pa.string())
    kind = pd.api.types.infer_dtype(column, skipna=True) if dtype.kind == "O" else None
    return kind in ("string", "empty")


def _float_cells(values: np.ndarray) -> Cells:
    """Each distinct value (by its bits: ``-0`` is not ``0``) formatted once."""
    codes, distinct = pd.factorize(values.view(np.int64))
    texts = pa.array([_float_text(v) for v in distinct.view(np.float64).tolist()], pa.string())
    return lambda a, b: texts.take(codes[a:b])


def _float_text(value: float) -> str:
    return "" if value != value else FLOAT_FORMAT % value


def _quoted(texts: pa.Array) -> pa.Array:
    """Texts quoted where Python's csv quotes them: holding the delimiter, a double quote
    (doubled inside) or a line feed; not for a carriage return (``lineterminator="\\n"``).
    The chunk's bytes are searched first: most chunks hold no quote, many no comma."""
    plain = texts.fill_null("")
    if not len(plain):
        return plain
    data = _text(plain).to_pybytes()
    found = [c for c in (",", '"', "\n") if c.encode() in data]
    if not found:
        return plain
    needs = pc.match_substring(plain, found[0])
    for c in found[1:]:
        needs = pc.or_(needs, pc.match_substring(plain, c))
    inside = pc.replace_substring(plain, '"', '""') if '"' in found else plain
    quoted = pc.binary_join_element_wise('"', inside, '"', "")
    return pc.if_else(needs, quoted, plain)


def _header(labels: Sequence[Hashable]) -> bytes:
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(labels)
    return line.getvalue().encode("utf-8")


def _text(lines: pa.Array) -> pa.Buffer:
    """The UTF-8 bytes of ``lines`` end to end (their data buffer between the offsets)."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    data = lines.buffers()[2]
    return pa.py_buffer(b"") if data is None else data.slice(first, last - first)
