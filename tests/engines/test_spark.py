"""Beyond one machine: the whole dossier on a local Spark session, number for number.

The demo company (150 customers) is computed twice: from its data folder on DuckDB (the
default engine), and from a Spark session whose catalog holds the same canonical tables
(``compute_dossier(data=ibis.pyspark.connect(spark))``, the README's recipe). Every metric,
every model's summary (sBG lives, BG/NBD rows, the signals panel's fit, personas, ICP…),
every aggregate the models pull from the engine, accounts.csv's rows and the rendered
dossier must be the same, the SQL each engine ran (provenance) aside.

Spark needs Java 17 (Debian's ``openjdk-17-jre-headless``, which ``.ci/run`` installs); the
module skips with that reason when none is found. One Spark session serves the module.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import date
from glob import glob
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from personae.demo import generate
from personae.metrics.context import Context
from personae.models import logit
from personae.pipeline import compute_dossier, write_outputs
from personae.render import render_markdown
from personae.sources import load
from tests.engines.same import assert_same, without_provenance

pytestmark = [
    pytest.mark.spark,
    # PySpark leaves the local sockets of its result transfers to the garbage collector
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

TODAY = date(2026, 1, 15)
JAVA_17 = "/usr/lib/jvm/java-17-openjdk-amd64"  # Debian's openjdk-17-jre-headless


def java_17_home() -> str | None:
    """A Java 17 home (PySpark 4 runs on 17 and 21, not on the newest JDKs): JAVA_HOME when it
    is one, else Debian's."""
    for home in (os.environ.get("JAVA_HOME"), JAVA_17, *sorted(glob("/usr/lib/jvm/java-17-*"))):
        java = Path(home or "/nonexistent") / "bin" / "java"
        if not java.is_file():
            continue
        done = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
        if 'version "17.' in done.stderr + done.stdout:
            return str(home)
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Spark session (2 cores, no UI, UTC), for this module."""
    home = java_17_home()
    if home is None:
        pytest.skip(
            "no Java 17 found for Spark (Debian: apt-get install openjdk-17-jre-headless; "
            ".ci/run installs it)"
        )
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as env:
        env.setenv("JAVA_HOME", home)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("personae-test")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("demo"), size="S", seed=0, customers=150)


def into_spark(spark: Any, data: Path, folder: Path) -> None:
    """The canonical tables of ``data`` as Parquet files that Spark reads into temporary
    views of its session, as the README's recipe does."""
    ds = load(data)
    try:
        for name, table in ds.tables.items():
            pq.write_table(table.to_pyarrow(), folder / f"{name}.parquet")
            spark.read.parquet(str(folder / f"{name}.parquet")).createOrReplaceTempView(name)
    finally:
        ds.con.disconnect()


def _unordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in one order whatever the engine's (by their values other than floats)."""
    return sorted(rows, key=lambda r: [repr(v) for v in r.values() if not isinstance(v, float)])


def test_the_dossier_on_spark_is_duckdbs(
    spark: Any, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulled: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {"duckdb": [], "pyspark": []}
    run = Context.run

    def recorded(self: Context, family: str, expr: ibis.Table) -> list[dict[str, Any]]:
        rows = run(self, family, expr)
        pulled[self.con.name].append((family, rows))
        return rows

    monkeypatch.setattr(Context, "run", recorded)
    matrices: dict[str, list[logit.Matrix]] = {"duckdb": [], "pyspark": []}
    pull = logit.pull

    def pulled_matrix(ctx: Context, *args: Any, **kwargs: Any) -> logit.Matrix:
        m = pull(ctx, *args, **kwargs)
        matrices[ctx.con.name].append(m)
        return m

    monkeypatch.setattr(logit, "pull", pulled_matrix)
    ours = compute_dossier(data=demo, today=TODAY)
    into_spark(spark, demo, tmp_path)
    theirs = compute_dossier(data=ibis.pyspark.connect(spark), today=TODAY)

    assert ours.metrics is not None and theirs.metrics is not None
    assert ours.metrics["overview"]["clients_total"] > 50  # a real company, not an empty one
    assert set(ours.metrics["provenance"]) == set(theirs.metrics["provenance"])
    assert_same(without_provenance(ours.metrics), without_provenance(theirs.metrics), "metrics")
    assert ours.models and set(ours.models) >= {"ltv", "churn_signals", "icp", "personas"}
    # the signals panel, as the models pulled it (one row per account and month)
    assert len(matrices["duckdb"]) == len(matrices["pyspark"]) > 0
    for a, b in zip(matrices["duckdb"], matrices["pyspark"], strict=True):
        assert a.names == b.names
        order_a = np.lexsort((a.month, a.frame["account_id"].to_numpy()))
        order_b = np.lexsort((b.month, b.frame["account_id"].to_numpy()))
        np.testing.assert_allclose(a.x[order_a], b.x[order_b], rtol=1e-9, atol=1e-9)
        for outcome in a.y:
            assert (a.y[outcome][order_a] == b.y[outcome][order_b]).all()

    models_a, models_b = without_provenance(ours.models), without_provenance(theirs.models)
    assert_same(models_a, models_b, "models")

    # every aggregate the metrics and models pulled, query by query
    assert [f for f, _ in pulled["duckdb"]] == [f for f, _ in pulled["pyspark"]]
    assert len(pulled["duckdb"]) > 40  # 49 aggregates on the demo (fewer, merged queries)
    for i, ((family, a), (_, b)) in enumerate(
        zip(pulled["duckdb"], pulled["pyspark"], strict=True)
    ):
        assert_same(_unordered(a), _unordered(b), f"{family}#{i}")

    pd.testing.assert_frame_equal(ours.accounts, theirs.accounts, rtol=1e-9, atol=1e-9)
    assert [w.message for w in ours.warnings] == [w.message for w in theirs.warnings]
    files = write_outputs(theirs, tmp_path / "personae-out")
    assert files["dossier.md"].read_text(encoding="utf-8") == render_markdown(ours)
    assert spark.range(3).count() == 3  # the session is the caller's: still running
