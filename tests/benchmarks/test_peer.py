"""The pandas peer of the benchmarks computes the same numbers as personae.

benchmarks/peer_pandas.py is what bench_peer.py times beside ``personae report``; the
comparison is only fair if both do the same work. On a small demo company, every number the
peer prints must equal the one at the same place in personae's ``metrics`` — the object
that dossier.json carries, there rounded to 6 decimals — to 1e-9 relative. The models are
not run: the peer computes none of their numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from benchmarks._compare import disagreements

from personae.demo import generate
from personae.metrics import MetricsSession
from personae.settings import load_settings
from personae.sources import load

ROOT = Path(__file__).resolve().parents[2]
PEER = ROOT / "benchmarks" / "peer_pandas.py"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("peer"), size="S", seed=0, customers=60)


def _personae(data: Path) -> dict[str, Any]:
    ds = load(data)
    try:
        with MetricsSession(ds.con, ds.tables, load_settings(None)) as session:
            return session.compute()
    finally:
        ds.con.disconnect()


def test_the_peer_computes_personae_numbers(data: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PEER), str(data)], capture_output=True, text=True, check=True
    )
    peer = json.loads(done.stdout)
    compared, wrong = disagreements(peer, _personae(data))
    assert not wrong, "\n".join(wrong[:20])
    # the comparison is not vacuous: the core set is all there, with non-trivial values
    assert compared > 500
    assert len(peer["segments"]) == 4 and len(peer["top_clients"]) == 10
    assert peer["overview"]["clients_total"] > 30 and peer["overview"]["mrr"] > 0
    assert peer["churn"]["monthly"]["numerator"] > 0
    assert peer["expansion"]["upsell_accounts"] > 0
    moves = peer["mrr_movements"]
    assert len(moves) > 60 and sum(m["contraction"] > 0 for m in moves) > 0
    assert sum(m["reactivation"] > 0 for m in moves) > 0


def test_the_comparison_sees_a_difference() -> None:
    ours = {"mrr": 100.0, "segments": [{"name": "PME", "clients": 3}], "extra": 1}
    assert disagreements({"mrr": 100.0 * (1 + 1e-12), "segments": [{"clients": 3}]}, ours) == (
        2,
        [],
    )
    _, wrong = disagreements({"mrr": 100.0 * (1 + 1e-8)}, ours)
    assert wrong == [f".mrr: peer {100.0 * (1 + 1e-8)!r}, personae 100.0"]
    assert disagreements({"segments": [{"clients": 4}]}, ours)[1] == [
        ".segments[0].clients: peer 4, personae 3"
    ]
    with pytest.raises(ValueError, match="not in personae"):
        disagreements({"nrr": 1.0}, ours)
    with pytest.raises(ValueError, match="2 rows"):
        disagreements({"segments": [{"clients": 3}, {"clients": 1}]}, ours)


def test_the_benchmark_reads_the_profile_personae_prints() -> None:
    import io

    from personae import profiling

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_peer import phases

    profiling.enable()
    try:
        with profiling.phase("load+validate"):
            pass
        with profiling.phase("sql.icp"):
            pass
        with profiling.phase("sql.icp"):
            pass
        stream = io.StringIO()
        profiling.print_times(stream, 1.0)
    finally:
        profiling.enable(False)
    found = dict(phases(stream.getvalue()))
    assert set(found) == {"load+validate", "sql.icp  (2 calls)"}
    assert all(v.endswith(" s") for v in found.values())
