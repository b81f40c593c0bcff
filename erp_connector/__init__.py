"""Adapters for the systems of record (ERP, WMS) behind the core's ``Connector`` port.

``build_connector(system, settings)`` is the entry the composition root uses; the
rest is public for tests, tools and systems that need their own wiring.
"""

from erp_connector.auth import ApiKeyAuth, OAuth2ClientCredentials, auth_from_settings
from erp_connector.build import build_connector
from erp_connector.errors import classify, map_httpx_errors, parse_retry_after
from erp_connector.idoc import build_idoc, read_idoc
from erp_connector.limits import BreakerState, CircuitBreaker, RateLimiter
from erp_connector.rest import HttpConnector, IdocConnector, RestConnector
from erp_connector.templates import (
    Template,
    TemplateRegistry,
    canonical,
    default_templates,
    expected_receipt,
)

__all__ = [
    "ApiKeyAuth",
    "BreakerState",
    "CircuitBreaker",
    "HttpConnector",
    "IdocConnector",
    "OAuth2ClientCredentials",
    "RateLimiter",
    "RestConnector",
    "Template",
    "TemplateRegistry",
    "auth_from_settings",
    "build_connector",
    "build_idoc",
    "canonical",
    "classify",
    "default_templates",
    "expected_receipt",
    "map_httpx_errors",
    "parse_retry_after",
    "read_idoc",
]
