"""The service characters of an interchange: UNA, or the defaults of its syntax level."""

from __future__ import annotations

from dataclasses import dataclass

UNA_LENGTH = 9  # "UNA" and six characters


@dataclass(frozen=True, slots=True)
class ServiceChars:
    """The six characters of a UNA (ISO 9735: component, element, decimal mark,
    release, repetition, segment terminator).

    ``release`` and ``repetition`` are None when not used (a space in the UNA:
    before syntax version 4 the repetition position is reserved, and some
    senders switch releasing off).
    """

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"
    repetition: str | None = None
    segment: str = "'"

    @classmethod
    def level_a(cls, syntax_version: int = 3) -> ServiceChars:
        """The defaults of syntax level A (UNOA…UNOY without a UNA); syntax 4
        adds the repetition separator ``*``."""
        return cls(repetition="*" if syntax_version >= 4 else None)

    @classmethod
    def level_b(cls) -> ServiceChars:
        """The defaults of syntax level B (UNOB without a UNA): information
        separators IS1, IS3, IS4 and no release character."""
        return cls(component="\x1f", element="\x1d", release=None, segment="\x1c")

    @classmethod
    def from_una(cls, una: str) -> ServiceChars:
        """The characters of a nine-character ``UNA…`` string (not validated: see
        :meth:`problems`)."""
        return cls(
            component=una[3],
            element=una[4],
            decimal=una[5],
            release=None if una[6] == " " else una[6],
            repetition=None if una[7] == " " else una[7],
            segment=una[8],
        )

    def una(self) -> str:
        """The UNA announcing these characters."""
        return (
            f"UNA{self.component}{self.element}{self.decimal}{self.release or ' '}"
            f"{self.repetition or ' '}{self.segment}"
        )

    @property
    def separators(self) -> str:
        """The characters that end a value, and the release character that escapes them."""
        found = self.component + self.element + self.segment + (self.repetition or "")
        return found + (self.release or "")

    def problems(self) -> list[str]:
        """What makes these characters unusable: they must be distinct, and no letter,
        digit or space (which data always holds) may be a separator."""
        found: list[str] = []
        named = {
            "component separator": self.component,
            "element separator": self.element,
            "segment terminator": self.segment,
        }
        if self.release is not None:
            named["release character"] = self.release
        if self.repetition is not None:
            named["repetition separator"] = self.repetition
        for name, char in named.items():
            if char.isalnum() or char == " ":
                found.append(f"the {name} {char!r} is a letter, digit or space")
        if len(set(named.values())) != len(named):
            found.append("the service characters are not distinct")
        if self.decimal not in ".,":
            found.append(f"the decimal mark {self.decimal!r} is neither '.' nor ','")
        return found
