"""X12 / EDIFACT ↔ canonical. Pure: bytes in, results out, no I/O of its own."""
