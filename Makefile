.PHONY: test lint bench bench-data bench-report bench-peer bench-models bench-ltv bench-signals bench-tam golden docs screenshots

# The whole test suite (what CI runs).
test:
	uv run --locked pytest

# ruff (lint and format) and mypy (strict on the package).
lint:
	uv run ruff check src tests benchmarks
	uv run ruff format --check src tests benchmarks
	uv run mypy

# Time generating, validating and loading the demo data (sizes S and M).
# 10 % of L and all of L as well, recorded in benchmarks/RESULTS.md:
#   make bench-data BENCH_ARGS="--l-fraction 0.1 --full-l --record"
bench-data:
	uv run python benchmarks/bench_data.py $(BENCH_ARGS)

# Time the full report on demo S and M (add L with BENCH_ARGS="--sizes S M L --record";
# a pre-generated L: BENCH_ARGS="--sizes S M L --data L=/path/to/L/data --record").
bench-report:
	uv run python benchmarks/bench_report.py $(BENCH_ARGS)

# `personae report` beside the pandas script of the same core numbers (benchmarks/peer_pandas.py)
# and the DuckDB floor, on 300 and 30 000 customers, best of 3, recorded in RESULTS.md:
#   make bench-peer BENCH_ARGS="--record"
bench-peer:
	uv run python benchmarks/bench_peer.py $(BENCH_ARGS)

# Time the LTV fitters (sBG, BG/NBD, Gamma-Gamma) on 1 M simulated customers; beside
# lifetimes when a venv has it, recorded in benchmarks/RESULTS.md:
#   make bench-models BENCH_ARGS="--peer-python /tmp/peer/bin/python --record"
bench-models:
	uv run python benchmarks/bench_models.py $(BENCH_ARGS)

# The ltv model step on demo M (figures in RESULTS.md under the models section).
bench-ltv:
	uv run python benchmarks/bench_ltv_step.py $(BENCH_ARGS)

# The churn-signals and expansion steps on demo M, sub-step by sub-step (L as well, with the
# whole report, recorded in RESULTS.md; the data is kept in benchmarks/out/signals, or --data-root):
#   make bench-signals BENCH_ARGS="--sizes M L --report --record"
bench-signals:
	uv run python benchmarks/bench_signals.py $(BENCH_ARGS)

# Time the TAM count on a 30 M-row SIRENE-shaped Parquet file (built once in benchmarks/out/).
bench-tam:
	uv run python benchmarks/bench_tam.py --record $(BENCH_ARGS)

bench: bench-data bench-report

# Regenerate the golden files of demo S (tests/golden), then review `git diff tests/golden`.
golden:
	uv run python -m tests.golden.regenerate

# Regenerate the documentation pages derived from the code (docs/settings.md).
docs:
	uv run python -c "from pathlib import Path; from personae.settings import settings_markdown; Path('docs/settings.md').write_text(settings_markdown(), encoding='utf-8')"

# Retake the README's screenshots (docs/*.png) with the browser tests (needs Debian's chromium).
screenshots:
	PERSONAE_SCREENSHOTS=1 uv run pytest tests/browser -q
