"""The analyst's models (DESIGN §5), fitted on aggregates, following the lifelines
contract: ``Model(**settings).fit(...)`` returns ``self``, fitted values end in ``_``,
``summary`` is a table, nothing is printed, and a fit that cannot be trusted raises
:class:`FitError` with its reason.

- :class:`SBG`: shifted-beta-geometric retention for subscriptions (Fader & Hardie 2007),
  with DERL and the value of the base (Fader & Hardie 2010).
- :class:`BGNBD`: repeat purchases of non-contractual customers (Fader, Hardie & Lee 2005).
- :class:`GammaGamma`: their spend per transaction (Fader, Hardie & Lee 2005; Fader &
  Hardie 2013).
- :func:`normalize_title`: a job title to a department and a seniority (DESIGN §5).
- :class:`Personas` from contacts and won deals, :class:`Themes` from notes.

:mod:`personae.models.run` feeds them aggregates from an open metrics session.
"""

import typing as _typing

from personae._lazy import attach as _attach
from personae.errors import FitError

if _typing.TYPE_CHECKING:  # imported on first use (PEP 562): fill/ needs no scikit-learn
    from personae.models.bgnbd import BGNBD
    from personae.models.gamma_gamma import GammaGamma
    from personae.models.personas import Personas
    from personae.models.sbg import SBG, per_period_rate
    from personae.models.themes import Themes, extract_themes
    from personae.models.titles import Title, normalize_title

_HOMES = {
    "BGNBD": "personae.models.bgnbd",
    "GammaGamma": "personae.models.gamma_gamma",
    "Personas": "personae.models.personas",
    "SBG": "personae.models.sbg",
    "per_period_rate": "personae.models.sbg",
    "Themes": "personae.models.themes",
    "extract_themes": "personae.models.themes",
    "Title": "personae.models.titles",
    "normalize_title": "personae.models.titles",
}


__getattr__, __dir__ = _attach(__name__, _HOMES)


__all__ = [
    "BGNBD",
    "SBG",
    "FitError",
    "GammaGamma",
    "Personas",
    "Themes",
    "Title",
    "extract_themes",
    "normalize_title",
    "per_period_rate",
]
