.PHONY: bench-data

# Time generating, validating and loading the demo data (sizes S and M).
# 10 % of L as well, recorded in benchmarks/RESULTS.md:
#   make bench-data BENCH_ARGS="--l-fraction 0.1 --record"
bench-data:
	uv run python benchmarks/bench_data.py $(BENCH_ARGS)
