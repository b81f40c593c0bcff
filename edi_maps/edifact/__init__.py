"""EDIFACT (ISO 9735 syntax 1-4): reading, validation, CONTRL and maps.

Mirrors ``edi_maps/x12``: a streaming reader (``reader.py``) yields segments as
ISO-8859-1 text, one character per byte, so offsets are byte offsets and the
separators (always ASCII) are found without decoding; values are decoded with
the interchange's character set (``charsets.py``) only when they are used.
"""
