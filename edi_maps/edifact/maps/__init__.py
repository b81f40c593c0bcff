"""EDIFACT messages ↔ canonical documents (one module per message type)."""
