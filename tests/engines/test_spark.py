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
import pyarrow.parquet as pq
import pytest

from personae.demo import generate
from personae.pipeline import compute_dossier
from personae.sources import load
from tests.engines.same import Pulled, assert_same_dossier

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


def test_the_dossier_on_spark_is_duckdbs(
    spark: Any, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulled = Pulled(monkeypatch)
    ours = compute_dossier(data=demo, today=TODAY)
    into_spark(spark, demo, tmp_path)
    theirs = compute_dossier(data=ibis.pyspark.connect(spark), today=TODAY)

    assert_same_dossier(ours, theirs, tmp_path / "personae-out")
    pulled.assert_same("duckdb", "pyspark")
    assert spark.range(3).count() == 3  # the session is the caller's: still running
