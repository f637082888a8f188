"""The analyst's models (DESIGN §5): fitters with the lifelines contract, and the runner
that feeds them aggregates from an open metrics session (:mod:`personae.models.run`)."""
