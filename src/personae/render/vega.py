"""Vega-Lite building blocks for the report's charts, and the bundle that draws them.

Specs are plain dicts with their data inline (``data.values``); the page draws them with
the Vega-Embed + Vega-Lite + Vega bundle that vl-convert-python ships, in French: numbers
follow Babel's ``fr_FR`` symbols (the same as the dossier's text) and dates vl-convert's
``fr-FR`` time locale.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel.numbers import get_decimal_symbol, get_group_symbol

from personae.cache import cache_dir
from personae.dossier.kinds import LOCALE, NBSP

Spec = dict[str, Any]

WIDTH = 600  # px: fits an A4 page in portrait with its margins
BAR_STEP = 22
MONEY = "$,.0f"
PERCENT = ".1%"
PERCENT0 = ".0%"
INT = ",.0f"
LIFT = ".2f"
SMALL_MARK = " *"
SMALL_NOTE = "* échantillon faible (moins de 30 comptes) : à lire avec prudence."


@dataclass
class Table:
    """A chart's data as text, already in French."""

    columns: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    """One chart of the page: its Vega-Lite spec, its data table and where it belongs.

    ``families`` are the metric or model keys it draws (``churn``, ``models.ltv``…): the chart
    goes to the first section whose questions were answered from one of them, else to the
    section ``fallback`` when the document has it, else to the last part of the page.
    """

    id: str
    title: str
    spec: Spec
    table: Table
    families: tuple[str, ...]
    fallback: str
    notes: list[str] = field(default_factory=list)


# The bundle's entry point: the page only needs these two globals.
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega;"


@cache
def bundle() -> str:
    """vl-convert's JavaScript bundle (Vega-Embed, Vega-Lite, Vega), safe inside <script>.

    Building it takes vl-convert about 4 s, so it is kept on disk once built, keyed by
    vl-convert's version and the entry point; a cache that cannot be read or written is
    simply rebuilt.
    """
    import vl_convert

    key = hashlib.sha256(
        f"{getattr(vl_convert, '__version__', '?')}\n{BUNDLE_SNIPPET}".encode()
    ).hexdigest()[:16]
    path = cache_dir() / f"vega-bundle-{key}.js"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text: str = vl_convert.javascript_bundle(BUNDLE_SNIPPET)
    text = text.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return text


@cache
def locales() -> dict[str, Any]:
    """The number and time locales handed to Vega-Embed (``formatLocale``/``timeFormatLocale``)."""
    import vl_convert

    number = dict(vl_convert.get_format_locale("fr-FR"))
    number.update(
        decimal=get_decimal_symbol(LOCALE),
        thousands=get_group_symbol(LOCALE),
        currency=["", f"{NBSP}€"],
        percent=f"{NBSP}%",
    )
    return {"number": number, "time": dict(vl_convert.get_time_format_locale("fr-FR"))}


def base(**spec: Any) -> Spec:
    """A spec with the page's common config (font, no border, French-friendly axes)."""
    out: Spec = {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 260},
            "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
        },
    }
    out.update(spec)
    return out


def label_of(name: str, small: bool) -> str:
    return f"{name}{SMALL_MARK}" if small else name


def hbar(field_: str, title: str, fmt: str, *, labels: bool = True, color: str = "#4c78a8") -> Spec:
    """A horizontal bar of ``field_`` per ``label``, small samples paler."""
    return {
        "width": 170,
        "height": {"step": BAR_STEP},
        "mark": {"type": "bar", "color": color},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {} if labels else {"labels": False, "ticks": False, "domain": False},
            },
            "x": {
                "field": field_,
                "type": "quantitative",
                "title": title,
                "axis": {"format": fmt, "tickCount": 3},
            },
            "opacity": {"condition": {"test": "datum.small", "value": 0.45}, "value": 1},
            "tooltip": [
                {"field": "label", "title": "Groupe"},
                {"field": field_, "title": title, "format": fmt, "type": "quantitative"},
            ],
        },
    }


def ci_chart(
    values: list[dict[str, Any]],
    *,
    title: str,
    fmt: str,
    reference: float | None = None,
    reference_label: str = "",
    color: str = "#4c78a8",
) -> Spec:
    """A point per ``label`` at ``value`` with its interval ``[low, high]`` drawn as a rule."""
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    x = {"field": "value", "type": "quantitative", "title": title, "axis": {"format": fmt}}
    tooltip = [
        {"field": "label", "title": "Groupe"},
        {"field": "value", "title": title, "format": fmt, "type": "quantitative"},
        {"field": "low", "title": "IC bas", "format": fmt, "type": "quantitative"},
        {"field": "high", "title": "IC haut", "format": fmt, "type": "quantitative"},
    ]
    layers: list[Spec] = [
        {
            "mark": {"type": "rule", "color": color, "strokeWidth": 2},
            "encoding": {
                "y": y,
                "x": {"field": "low", "type": "quantitative"},
                "x2": {"field": "high"},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 70, "color": color},
            "encoding": {
                "y": y,
                "x": x,
                "opacity": {"condition": {"test": "datum.small", "value": 0.45}, "value": 1},
                "tooltip": tooltip,
            },
        },
    ]
    if reference is not None:
        layers.append(
            {
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#888"},
                "encoding": {"x": {"datum": reference}, "tooltip": {"value": reference_label}},
            }
        )
    return base(
        width=WIDTH - 180,
        height={"step": BAR_STEP + 4},
        data={"values": values},
        layer=layers,
    )


def bars(
    values: list[dict[str, Any]],
    *,
    field_: str,
    title: str,
    fmt: str,
    reference: float | None = None,
    color: str = "#4c78a8",
) -> Spec:
    """One horizontal bar chart of ``field_`` per ``label``."""
    layer: list[Spec] = [hbar(field_, title, fmt, color=color)]
    layer[0] = {k: v for k, v in layer[0].items() if k not in ("width", "height")}
    if reference is not None:
        layer.append(
            {
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#888"},
                "encoding": {"x": {"datum": reference}},
            }
        )
    return base(
        width=WIDTH - 180,
        height={"step": BAR_STEP},
        data={"values": values},
        layer=layer,
    )
