"""One router per resource; ``app.py`` mounts them (the faces twice: /erp and /wms)."""
