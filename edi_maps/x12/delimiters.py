"""The four X12 delimiters, as an interchange's ISA declares them."""

from __future__ import annotations

from dataclasses import dataclass

# ISA11 became the repetition separator with control version 00402.
REPETITION_SEPARATOR_SINCE = "00402"


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    component: str
    segment: str
    repetition: str | None = None

    @classmethod
    def default(cls) -> Delimiters:
        return cls(element="*", component=":", segment="~", repetition="^")

    def as_tuple(self) -> tuple[str, str, str, str | None]:
        return (self.element, self.component, self.segment, self.repetition)

    def as_set(self) -> set[str]:
        found = {self.element, self.component, self.segment}
        if self.repetition:
            found.add(self.repetition)
        return found

    def problems(self) -> list[tuple[str, str]]:
        """(TA1 note code, description) for every delimiter the standard forbids.

        Delimiters must be distinct and may not be letters or digits (X12.5:
        they must not occur in data; a letter or digit always would).
        """
        found: list[tuple[str, str]] = []
        checks = (
            ("026", "element separator", self.element),
            ("027", "component element separator", self.component),
            ("004", "segment terminator", self.segment),
        )
        for code, label, char in checks:
            if char.isalnum() or char == " ":
                found.append((code, f"the {label} {char!r} is a letter, digit or space"))
        if self.repetition is not None and (self.repetition.isalnum() or self.repetition == " "):
            found.append(
                ("016", f"the repetition separator {self.repetition!r} is a letter, digit or space")
            )
        chars = [self.element, self.component, self.segment]
        if self.repetition is not None:
            chars.append(self.repetition)
        if len(set(chars)) != len(chars):
            found.append(("026", "the delimiters are not distinct"))
        return found
