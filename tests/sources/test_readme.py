from personae.sources import data_readme, schema


def test_readme_names_every_table_and_column() -> None:
    text = data_readme()
    for name, table in schema.TABLES.items():
        assert f"### `{name}` ({'required' if table.required else 'optional'})" in text
        for column in table.columns:
            assert f"| `{column.name}` |" in text
    for name in schema.FREEFORM_TABLES:
        assert f"### `{name}`" in text
    for convention in ("BOM", "`;`", "1 234,50", "DD/MM/YYYY", "`oui`/`non`", "01/03/2024 10:22"):
        assert convention in text
