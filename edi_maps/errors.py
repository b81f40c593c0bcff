"""EDI errors: what the readers and the definition loader raise.

Validation findings are *not* exceptions: they are collected in the results
(:mod:`edi_maps.x12.results`: every error of a set, not the first one) and
turned into acknowledgements. Exceptions are kept for input
that cannot be read on at all.
"""

from __future__ import annotations

from gateway.domain.errors import PermanentError


class EdiError(PermanentError):
    """Root of the EDI family; every reader failure is one of these."""

    code = "edi.error"


class NotEdiError(EdiError):
    """The input is neither X12 nor EDIFACT (no ISA / UNA / UNB where one must be)."""

    code = "edi.not_edi"


class EdiSyntaxError(EdiError):
    """The tokenizer cannot go on; ``offset`` is the byte offset of the problem.

    ``note_code`` is the TA1 note code (X12) the problem implies.
    """

    code = "edi.syntax"

    def __init__(
        self, message: str, *, offset: int, note_code: str = "024", code: str | None = None
    ) -> None:
        super().__init__(f"{message} (at byte {offset})", code=code)
        self.offset = offset
        self.note_code = note_code


class MappingError(EdiError):
    """A message that validates but cannot be mapped, or a canonical document the
    standard cannot carry (X12 and EDIFACT maps alike)."""

    code = "edi.map"


class RenderOptionsError(EdiError):
    """Rendering options that would give an interchange no partner could read (checked
    up front, so no control number is spent on it)."""

    code = "edi.render_options"


class DefinitionError(EdiError):
    """A bundled transaction-set definition file is malformed (a bug, never input's fault)."""

    code = "edi.definition"
