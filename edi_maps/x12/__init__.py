"""X12: streaming reader, envelope checks, validation against definitions, TA1/997/999."""

from edi_maps.acknowledgements import Acknowledgement
from edi_maps.x12.acks import AckBuilder, AckPolicy
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.reader import X12Reader
from edi_maps.x12.results import (
    ElementError,
    EnvelopeError,
    FileResult,
    GroupResult,
    InterchangeResult,
    SegmentError,
    SetResult,
    Status,
)
from edi_maps.x12.segments import Segment, SegmentBatch
from edi_maps.x12.validation import ValidationOptions, iter_results, validate_x12
from edi_maps.x12.writer import X12Writer

__all__ = [
    "AckBuilder",
    "AckPolicy",
    "Acknowledgement",
    "Delimiters",
    "ElementError",
    "EnvelopeError",
    "FileResult",
    "GroupResult",
    "InterchangeResult",
    "Segment",
    "SegmentBatch",
    "SegmentError",
    "SetResult",
    "Status",
    "ValidationOptions",
    "X12Reader",
    "X12Writer",
    "iter_results",
    "validate_x12",
]
