"""The renderers: a :class:`~personae.dossier.Dossier` written out as a file.

``render_markdown`` gives ``dossier.md`` (the template, completed) and ``render_json``
``dossier.json`` (every answer and number). Each reads the dossier only.
"""

from personae.render.json import dossier_document, dossier_schema, render_json
from personae.render.markdown import render_markdown

__all__ = ["dossier_document", "dossier_schema", "render_json", "render_markdown"]
