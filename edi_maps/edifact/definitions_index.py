"""Which bundled definition validates a message, by the identifier in its UNH (S009),
and which service directory belongs to an interchange's syntax version (UNB S001)."""

from __future__ import annotations

from functools import cache

from edi_maps.edifact.dictionary import Directory, MessageDef
from edi_maps.edifact.dictionary_loader import available_directories, load_directory

# Syntax versions 1 and 2 use the segment layouts of version 3 for everything the
# gateway reads (UNB, UNG, UNH, UNT, UNE, UNZ); version 4 has its own directory.
_SERVICE_DIRECTORIES = {1: "syntax3", 2: "syntax3", 3: "syntax3", 4: "syntax4"}


@cache
def _message_index() -> dict[tuple[str, str, str, str], str]:
    """(message type, version, release, agency) → the directory that defines it."""
    index: dict[tuple[str, str, str, str], str] = {}
    for name in available_directories():
        for message in load_directory(name).messages.values():
            index[(message.message_type, message.version, message.release, message.agency)] = name
    return index


@cache
def find_message(
    message_type: str, version: str, release: str, agency: str = "UN"
) -> tuple[MessageDef, Directory] | None:
    """The definition of a message and its directory, or None if none is bundled.

    ``("ORDERS", "D", "96A")`` is ORDERS of D.96A; ``("CONTRL", "D", "3")`` and
    ``("CONTRL", "4", "1")`` are CONTRL of syntax versions 3 and 4. Matching is
    exact (but case-blind): a message of D.96B is not judged by D.96A rules.
    """
    key = (message_type.upper(), version.upper(), release.upper(), agency.upper())
    name = _message_index().get(key)
    if name is None:
        return None
    directory = load_directory(name)
    return directory.messages[key[0]], directory


def syntax_directory(syntax_version: int) -> Directory:
    """The service segments (UNB … UNZ, UCI … UCD) and CONTRL of a syntax version.

    Versions 1 to 3 share the syntax-3 directory; other versions raise ValueError.
    """
    name = _SERVICE_DIRECTORIES.get(syntax_version)
    if name is None:
        raise ValueError(f"no EDIFACT service directory for syntax version {syntax_version}")
    return load_directory(name)


def _syntax_errors() -> dict[str, str]:
    element = syntax_directory(4).elements["0085"]
    return dict(element.code_texts)


# 0085 syntax error code → its text (ISO 9735), for UCI/UCM/UCS/UCD findings.
SYNTAX_ERRORS: dict[str, str] = _syntax_errors()
