"""Each expression compiled once: the SQL recorded is the SQL that runs, with Ibis's types."""

from __future__ import annotations

import itertools
from datetime import date

import ibis
import pyarrow as pa

from personae.metrics.query import compile_sql, create_temp_table, fetch, in_fixed_order


def _table() -> tuple[ibis.BaseBackend, ibis.Table]:
    con = ibis.duckdb.connect()
    data = pa.table(
        {
            "k": ["a", "b", "a", None],
            "n": pa.array([1, 2, 3, 4], pa.int32()),
            "x": [0.5, 1.25, None, 2.0],
            "d": [date(2024, 1, 31), date(2024, 2, 29), None, date(2024, 3, 1)],
        }
    )
    return con, con.create_table("t", data, temp=True)


def test_the_recorded_sql_is_ibis_own() -> None:
    con, t = _table()
    expr = t.group_by("k").aggregate(total=t.n.sum(), mean=t.x.mean(), last=t.d.max())
    assert compile_sql(con, expr) == str(ibis.to_sql(expr))


def test_fetch_gives_what_ibis_gives_with_its_types() -> None:
    con, t = _table()
    expr = (
        t.group_by("k")
        .aggregate(total=t.n.sum(), mean=t.x.mean(), last=t.d.max(), n=t.count())
        .order_by("k")
    )
    got = fetch(con, expr, compile_sql(con, expr))
    want = expr.to_pyarrow()
    assert got.schema == want.schema
    assert got.to_pylist() == want.to_pylist()
    assert got.to_pylist()[0] == {
        "k": "a", "total": 4, "mean": 0.5, "last": date(2024, 1, 31), "n": 2
    }  # fmt: skip


def test_a_temporary_table_as_create_table_makes_it() -> None:
    con, t = _table()
    expr = t.filter(t.n > 1).mutate(y=t.x * 2, m=t.n.cast("int64"))
    mine = create_temp_table(con, "mine", expr, compile_sql(con, expr))
    theirs = con.create_table("theirs", expr, temp=True, overwrite=True)
    assert mine.schema() == theirs.schema() == expr.schema()
    assert mine.to_pyarrow().to_pylist() == theirs.to_pyarrow().to_pylist()
    again = create_temp_table(con, "mine", expr.limit(1), compile_sql(con, expr.limit(1)))
    assert again.count().to_pyarrow().as_py() == 1  # replaced, not appended to
    assert str(ibis.to_sql(mine)) == str(ibis.to_sql(theirs)).replace("theirs", "mine")


def test_an_unordered_result_comes_in_one_order_whatever_the_engine_gave() -> None:
    # a grouped query's rows come in the order the engine's threads finish: the rows
    # handed to the metrics must not depend on it (dicts, ties, sums of floats follow it)
    con, t = _table()
    expr = t.group_by("k").aggregate(total=t.n.sum(), mean=t.x.mean())
    result = fetch(con, expr, compile_sql(con, expr))
    orders = {
        tuple(map(str, in_fixed_order(expr, result.take(list(p))).to_pylist()))
        for p in itertools.permutations(range(result.num_rows))
    }
    assert orders == {
        (
            "{'k': 'a', 'total': 4, 'mean': 0.5}",
            "{'k': 'b', 'total': 2, 'mean': 1.25}",
            "{'k': None, 'total': 4, 'mean': 2.0}",
        )
    }


def test_an_ordered_result_keeps_the_order_the_query_gave() -> None:
    con, t = _table()
    top = t.order_by(ibis.desc("n")).limit(3)
    for expr in (top, top.select("k", "n"), top.filter(top.n > 0), t.order_by("x").drop("d")):
        given = fetch(con, expr, compile_sql(con, expr))
        backwards = given.take(list(range(given.num_rows))[::-1])
        assert in_fixed_order(expr, backwards).equals(backwards)


def test_columns_that_cannot_be_sorted_are_left_out_of_the_order() -> None:
    con, t = _table()
    expr = t.group_by("k").aggregate(ns=t.n.collect())
    result = fetch(con, expr, compile_sql(con, expr))
    got = in_fixed_order(expr, result.take(list(range(result.num_rows))[::-1]))
    assert got.column("k").to_pylist() == ["a", "b", None]
    assert sorted(got.column("ns").to_pylist()[0]) == [1, 3]
