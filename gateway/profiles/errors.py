"""Why a partner profile was refused: every problem of the input, each with its place.

A B2B analyst fixes a profile file in one sitting only if they see every problem at
once, so errors are collected (moov-io/ach style) rather than raised at the first::

    GatewayError(code, message, retryable)
    └── PermanentError
        └── ProfileError        partners.invalid: problems[] (file, line, field, message)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from gateway.domain.errors import PermanentError

# pydantic puts validator names and tags into ``loc`` ("function-after[…]", "[key]");
# they are not fields a person could find in the file.
_PYDANTIC_TAG = re.compile(r"^(\[.*\]|[a-z-]+\[.*\])$")
_VALUE_ERROR_PREFIX = ("Value error, ", "Assertion failed, ")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a profile, placed so that an editor can jump to it.

    Attributes:
        source: The file it came from (``None`` for text or API input).
        line: 1-based line in ``source``, ``None`` when there is no text to point at.
        field: Dotted path in the profile (``acks.functional``, ``documents[1].map``);
            empty when the problem concerns the whole file.
        message: What is wrong, in words a B2B analyst can act on.
    """

    source: str | None
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        place = self.source or "<text>"
        if self.line is not None:
            place = f"{place}:{self.line}"
        return (
            f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"
        )


class ProfileError(PermanentError):
    """One or more partner profiles are invalid; ``problems`` lists all of them."""

    code = "partners.invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def from_validation_error(
        cls, error: ValidationError, source: str | None = None
    ) -> ProfileError:
        """The same error for input that has no lines (API bodies, Python callers)."""
        return cls(
            [
                Problem(source, None, field_path(detail["loc"]), clean_message(detail["msg"]))
                for detail in error.errors()
            ]
        )


def field_path(loc: Iterable[int | str]) -> str:
    """``("documents", 1, "map")`` → ``documents[1].map``, without pydantic's tags."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _PYDANTIC_TAG.match(part):
            path += f".{part}" if path else part
    return path


def clean_message(message: str) -> str:
    """Drop pydantic's "Value error, " prefix: the reader cares what, not which exception."""
    for prefix in _VALUE_ERROR_PREFIX:
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


class PartnerExists(PermanentError):
    """A new profile's id, or its envelope ids, already belong to a stored partner."""

    code = "partners.exists"
