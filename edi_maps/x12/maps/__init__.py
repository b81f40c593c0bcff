"""X12 maps: one module per transaction set, both directions (see ``base.py``)."""
