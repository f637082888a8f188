import personae.sources as sources


def test_all_lists_the_public_api() -> None:
    public = {name for name in vars(sources) if not name.startswith("_")}
    modules = {
        "schema", "values", "csvfiles", "problems", "typed", "inputs", "checks", "validation",
        "staging", "database", "plausibility", "spark", "postgres", "tally", "coverage",
        "dataset", "readme", "annotations", "meta", "xlsx", "distinct", "columns",
    }  # fmt: skip
    assert set(sources.__all__) == public - modules
    assert set(sources.__all__) == {
        "Dataset",
        "ValidationReport",
        "data_readme",
        "load",
        "validate",
    }
