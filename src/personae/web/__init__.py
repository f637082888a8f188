"""``personae serve``: the local page to follow the dossier and answer it (DESIGN §7)."""

from personae.web.app import DEFAULT_PORT, allowed_hosts, create_app

__all__ = ["DEFAULT_PORT", "allowed_hosts", "create_app"]
