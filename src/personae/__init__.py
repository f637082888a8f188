"""personae."""
