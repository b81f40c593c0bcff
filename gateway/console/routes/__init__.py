"""The console's pages, one module per area."""

from fastapi import APIRouter

from gateway.console.routes import (
    acks,
    auth,
    dashboard,
    dead_letters,
    exceptions,
    messages,
    partners,
)

routers: list[APIRouter] = [
    module.router
    for module in (auth, dashboard, messages, acks, exceptions, partners, dead_letters)
]

__all__ = ["routers"]
