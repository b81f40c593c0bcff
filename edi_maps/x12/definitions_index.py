"""Which bundled definition validates a set: by set id and the group's GS08 version."""

from __future__ import annotations

from functools import cache

from edi_maps.x12.dictionary import Dictionary, TransactionSetDef
from edi_maps.x12.dictionary_loader import available_versions, load_dictionary


@cache
def definition_version(gs08: str) -> str | None:
    """The definition directory for a GS08 value, or None if none applies.

    GS08 starts with the 6-digit version ("004010VICS" → "004010"). A version we
    have no directory for uses the newest older one of the same major version
    (004030 → 004010), since later releases of a major version extend earlier
    ones; 002/003 versions differ too much to be judged by 004010 rules.
    """
    version = gs08[:6]
    if not (len(version) == 6 and version.isdigit()):
        return None
    candidates = [v for v in available_versions() if v[:3] == version[:3] and v <= version]
    return candidates[-1] if candidates else None


def find_definition(set_id: str, gs08: str) -> tuple[TransactionSetDef, Dictionary] | None:
    version = definition_version(gs08)
    if version is None:
        return None
    dictionary = load_dictionary(version)
    definition = dictionary.sets.get(set_id)
    return (definition, dictionary) if definition else None
