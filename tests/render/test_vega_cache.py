"""The Vega bundle is built once (about 4 s) and kept on disk, keyed by vl-convert's version."""

from __future__ import annotations

from pathlib import Path

import pytest

from personae.render import vega


def test_the_bundle_is_built_once_then_read_from_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vl_convert

    monkeypatch.setenv("PERSONAE_CACHE_DIR", str(tmp_path))
    vega.bundle.cache_clear()
    calls: list[str] = []
    real = vl_convert.javascript_bundle

    def counted(snippet: str) -> str:
        calls.append(snippet)
        return str(real(snippet))

    monkeypatch.setattr(vl_convert, "javascript_bundle", counted)
    first = vega.bundle()
    assert calls == [vega.BUNDLE_SNIPPET]
    (cached,) = tmp_path.glob("vega-bundle-*.js")
    assert cached.read_text(encoding="utf-8") == first and "</script" not in first
    vega.bundle.cache_clear()
    assert vega.bundle() == first and len(calls) == 1  # read back, not rebuilt
    vega.bundle.cache_clear()


def test_an_unwritable_cache_still_gives_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PERSONAE_CACHE_DIR", str(blocker / "sub"))
    vega.bundle.cache_clear()
    assert "vegaEmbed" in vega.bundle()
    vega.bundle.cache_clear()
