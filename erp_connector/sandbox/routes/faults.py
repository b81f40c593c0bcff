"""The fault switch: ``PUT /_faults`` to break intake, ``DELETE /_faults`` to mend it.

Faults touch only the document intake routes of both faces, never this switch, the
stats or lookups: a test that breaks intake must still be able to read and clear.
"""

from __future__ import annotations

from fastapi import APIRouter

from erp_connector.sandbox.deps import SandboxDep
from erp_connector.sandbox.schemas import FaultsIn, FaultsOut

router = APIRouter(prefix="/_faults", tags=["faults"])


@router.get("")
def get_faults(sandbox: SandboxDep) -> FaultsOut:
    return FaultsOut.of(sandbox.faults.current())


@router.put("")
def set_faults(wanted: FaultsIn, sandbox: SandboxDep) -> FaultsOut:
    """Replace the faults; fields left out take their harmless default.

    ``{"status": 429, "count": 2, "retry_after": 1}``: the next two intake calls answer
    429 with ``Retry-After: 1``, then calls succeed again.
    """
    return FaultsOut.of(sandbox.faults.set(wanted.faults()))


@router.delete("")
def clear_faults(sandbox: SandboxDep) -> FaultsOut:
    return FaultsOut.of(sandbox.faults.clear())
