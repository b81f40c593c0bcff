"""The sandbox ERP/WMS shipped with Crossdock (``crossdock sandbox``).

A small FastAPI app with its own database that stands in for a customer's ERP and
WMS: the demo, the tests and the benchmarks deliver to it, and its events drive
outbound EDI. It needs nothing of the gateway but the canonical kinds.
"""

from erp_connector.sandbox.app import DEFAULT_DATABASE_URL, create_sandbox_app
from erp_connector.sandbox.serve import run

__all__ = ["DEFAULT_DATABASE_URL", "create_sandbox_app", "run"]
