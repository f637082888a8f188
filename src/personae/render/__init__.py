"""The renderers: a :class:`~personae.dossier.Dossier` written out as a file.

``render_markdown`` gives ``dossier.md`` (the template, completed) and ``render_json``
``dossier.json`` (every answer and number). Each reads the dossier only. ``render_html``
gives ``report.html`` from the ``dossier.json`` document alone, and
:func:`personae.render.pdf.print_pdf` prints it to ``report.pdf`` with a headless Chromium.
"""

from personae.render.html import render_html
from personae.render.json import dossier_document, dossier_schema, render_json
from personae.render.markdown import render_markdown

__all__ = ["dossier_document", "dossier_schema", "render_html", "render_json", "render_markdown"]
