"""Observability: metrics (Prometheus), traces (OpenTelemetry) and structured logs.

Kept free of imports on purpose: ``context`` is a standard-library leaf that the
services and the store may import, while ``metrics``, ``tracing``, ``logs`` and
``celery_signals`` bring in their libraries only where the entrypoints wire them.
"""
