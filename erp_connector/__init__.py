"""Adapters for the systems of record (ERP, WMS) behind the core's ``Connector`` port."""
