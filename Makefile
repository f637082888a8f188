.PHONY: test lint bench bench-data bench-report bench-tam golden

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

# Time the full report on demo S and M (add L with BENCH_ARGS="--sizes S M L --record").
bench-report:
	uv run python benchmarks/bench_report.py $(BENCH_ARGS)

# Time the TAM count on a 30 M-row SIRENE-shaped Parquet file (built once in benchmarks/out/).
bench-tam:
	uv run python benchmarks/bench_tam.py --record $(BENCH_ARGS)

bench: bench-data bench-report

# Regenerate the golden files of demo S (tests/golden), then review `git diff tests/golden`.
golden:
	uv run python -m tests.golden.regenerate
