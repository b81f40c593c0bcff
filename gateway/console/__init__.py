"""The web console for the B2B team and suppliers (SPEC §6), served by the API's app
under ``/console``: server-rendered pages over the same services and access rules."""

from gateway.console.web import mount_console

__all__ = ["mount_console"]
