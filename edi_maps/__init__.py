"""X12 / EDIFACT ↔ canonical. Pure: bytes in, results out, no I/O of its own.

The public surface; everything else is an implementation detail that may move.
"""

from edi_maps.detect import detect
from edi_maps.errors import DefinitionError, EdiError, EdiSyntaxError, NotEdiError
from edi_maps.report import translation_report
from edi_maps.translate import TranslateOptions, Translation, translate
from gateway.canonical import Standard

__all__ = [
    "DefinitionError",
    "EdiError",
    "EdiSyntaxError",
    "NotEdiError",
    "Standard",
    "TranslateOptions",
    "Translation",
    "detect",
    "translate",
    "translation_report",
]
