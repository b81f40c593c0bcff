"""The HTTP API (FastAPI): partners, message submission and tracking, API keys."""

from gateway.api.app import create_app
from gateway.api.keys import create_key

__all__ = ["create_app", "create_key"]
