"""Comparing what two engines computed: the same numbers, key for key, to 1e-9.

Shared by the second-engine tests (PostgreSQL, Spark). The SQL each engine ran (provenance,
in its own dialect) is left out with :func:`without_provenance`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import ibis

    from personae.dossier.model import Dossier
    from personae.metrics.context import Context
    from personae.models import logit


def assert_same(a: Any, b: Any, path: str = "metrics", tol: float = 1e-9) -> None:
    """``b`` equals ``a``: the same keys and lengths, floats to ``tol`` (relative or
    absolute), everything else exactly; a failure names the path (``metrics.churn…``)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}", tol)
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]", tol)
    elif isinstance(a, float) and not isinstance(b, bool):
        assert b == pytest.approx(a, rel=tol, abs=tol, nan_ok=True), path
    else:
        assert a == b, path


def without_provenance(value: Any) -> Any:
    """``value`` with every ``provenance`` key dropped, at any depth."""
    if isinstance(value, dict):
        return {k: without_provenance(v) for k, v in value.items() if k != "provenance"}
    if isinstance(value, list):
        return [without_provenance(v) for v in value]
    return value


def assert_same_dossier(ours: Dossier, theirs: Dossier, out: Path) -> None:
    """The dossier ``theirs`` (another engine's) is ``ours`` (DuckDB's): every metric and
    model summary to 1e-9, the same SQL families, accounts.csv's rows, the data warnings,
    and dossier.md as ``theirs`` writes it into ``out``."""
    import pandas as pd

    from personae.pipeline import write_outputs
    from personae.render import render_markdown

    assert ours.metrics is not None and theirs.metrics is not None
    assert ours.metrics["overview"]["clients_total"] > 50  # a real company, not an empty one
    assert set(ours.metrics["provenance"]) == set(theirs.metrics["provenance"])
    assert_same(without_provenance(ours.metrics), without_provenance(theirs.metrics), "metrics")
    assert ours.models and set(ours.models) >= {"ltv", "churn_signals", "icp", "personas"}
    assert_same(without_provenance(ours.models), without_provenance(theirs.models), "models")
    pd.testing.assert_frame_equal(ours.accounts, theirs.accounts, rtol=1e-9, atol=1e-9)
    assert [w.message for w in ours.warnings] == [w.message for w in theirs.warnings]
    files = write_outputs(theirs, out)
    assert files["dossier.md"].read_text(encoding="utf-8") == render_markdown(ours)


class Pulled:
    """What the metrics and models of each engine pulled from it, by the engine's name: every
    aggregate (``Context.run``) and the signals' model matrices (``logit.pull``), recorded
    while the test runs (``monkeypatch``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from personae.metrics.context import Context
        from personae.models import logit

        self.rows: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {}
        self.matrices: dict[str, list[logit.Matrix]] = {}
        run, pull = Context.run, logit.pull

        def recorded(ctx: Context, family: str, expr: ibis.Table) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = run(ctx, family, expr)
            self.rows.setdefault(ctx.con.name, []).append((family, rows))
            return rows

        def pulled_matrix(ctx: Context, *args: Any, **kwargs: Any) -> logit.Matrix:
            m = pull(ctx, *args, **kwargs)
            self.matrices.setdefault(ctx.con.name, []).append(m)
            return m

        monkeypatch.setattr(Context, "run", recorded)
        monkeypatch.setattr(logit, "pull", pulled_matrix)

    def assert_same(self, ours: str, theirs: str) -> None:
        """Engine ``theirs`` pulled what ``ours`` did: the signals panel's rows (one per
        account and month, in any order), then every aggregate, query by query."""
        import numpy as np

        a_m, b_m = self.matrices.get(ours, []), self.matrices.get(theirs, [])
        assert len(a_m) == len(b_m) > 0
        for a, b in zip(a_m, b_m, strict=True):
            assert a.names == b.names
            order_a = np.lexsort((a.month, a.frame["account_id"].to_numpy()))
            order_b = np.lexsort((b.month, b.frame["account_id"].to_numpy()))
            np.testing.assert_allclose(a.x[order_a], b.x[order_b], rtol=1e-9, atol=1e-9)
            for outcome in a.y:
                assert (a.y[outcome][order_a] == b.y[outcome][order_b]).all()
        a_r, b_r = self.rows.get(ours, []), self.rows.get(theirs, [])
        assert [f for f, _ in a_r] == [f for f, _ in b_r]
        assert len(a_r) > 40  # 49 aggregates on the demo (fewer, merged queries)
        for i, ((family, x), (_, y)) in enumerate(zip(a_r, b_r, strict=True)):
            assert_same(_unordered(x), _unordered(y), f"{family}#{i}")


def _unordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in one order whatever the engine's (by their values other than floats)."""
    return sorted(rows, key=lambda r: [repr(v) for v in r.values() if not isinstance(v, float)])
