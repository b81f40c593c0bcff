"""Every X12 and EDIFACT sample of a mapped kind, translated to canonical JSON and
compared with its golden file under ``tests/fixtures/golden/<standard>/``.

The golden files are the reviewed output: a change to a map that alters any of them
fails here until the new JSON is looked at and checked in. Regenerate with
``CROSSDOCK_REGEN_GOLDEN=1 .venv/bin/pytest tests/samples/test_golden.py`` and read
the diff before committing it.

Checked by hand against the EDI, field by field (header, parties, every line, totals),
when the golden files were first written:

{hand_checked}

Every document produced is also validated against the checked-in JSON Schema of
contract v1 (``docs/contracts/canonical-v1.schema.json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from edi_maps.documents import MappingFailure
from edi_maps.edifact.charsets import decode
from edi_maps.edifact.maps.base import ReadContext as EdifactReadContext
from edi_maps.edifact.maps.registry import map_for_message
from edi_maps.edifact.segments import split_segment
from edi_maps.edifact.validation import validate_edifact
from edi_maps.errors import EdiError
from edi_maps.results import SetResult, Status
from edi_maps.translate import translate
from edi_maps.x12.maps.base import ReadContext as X12ReadContext
from edi_maps.x12.maps.registry import map_for_set as x12_map_for_set
from edi_maps.x12.validation import validate_x12
from gateway.canonical import document_to_dict, to_dict
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.conftest import FIXTURES, ROOT, SAMPLES, requires_samples, sample_files, sample_id
from tests.fakes import FixedClock

HAND_CHECKED = [
    "x12/850/bots__850-004010VICS-01.x12",
    "x12/850/oopfactory__Example1_PGWGlass.x12",
    "x12/855/stupidedi__004010_PR855_pass_1.x12",
    "x12/856/oopfactory__Example1.x12",
    "x12/810/staedi__simple810.x12",
    "x12/mixed/staedi__invoice810_po850_dual.x12",
]
__doc__ = (__doc__ or "").format(hand_checked="\n".join(f"- ``{n}``" for n in HAND_CHECKED))

GOLDEN = FIXTURES / "golden"
REGENERATE = os.environ.get("CROSSDOCK_REGEN_GOLDEN") == "1"
MAPPED_KINDS = (
    "x12/810", "x12/850", "x12/855", "x12/856", "x12/997", "x12/999", "x12/mixed",
    "edifact/ORDERS", "edifact/ORDRSP", "edifact/DESADV", "edifact/INVOIC",
)  # fmt: skip
SAMPLES_TO_MAP = [p for kind in MAPPED_KINDS for p in sample_files(f"{kind}/*")]
SCHEMA = json.loads((ROOT / "docs" / "contracts" / "canonical-v1.schema.json").read_text())


def canonical_output(path: Path) -> dict[str, Any]:
    with path.open("rb") as source:
        translation = translate(source, numbers=InMemoryControlNumbers(), clock=FixedClock())
    return {
        "documents": [document_to_dict(d) for d in translation.documents],
        "mapping_failures": [_failure(f) for f in translation.mapping_failures],
        "rejected_sets_read_anyway": rejected_bodies(path),
    }


def rejected_bodies(path: Path) -> list[dict[str, Any]]:
    """What the maps read from the sets validation rejected (translate never releases
    them): most samples break some rule, and this keeps the maps' reading of them
    under review too. A set the map cannot read is listed with its error."""
    found: list[dict[str, Any]] = []

    def keep(transaction_set: str, number: str, read: Callable[[], Any]) -> None:
        try:
            found.append({"set": f"{transaction_set} {number}", "body": to_dict(read())})
        except EdiError as error:
            found.append({"set": f"{transaction_set} {number}", "error": str(error)})

    def x12(interchange: Any, group: Any, result: SetResult, segments: list[str]) -> None:
        x12_map = x12_map_for_set(result.transaction_set)
        if result.status is Status.REJECTED and x12_map is not None:
            rows = [s.split(interchange.delimiters.element) for s in segments]
            context = X12ReadContext(interchange.delimiters, group.version)
            keep(result.transaction_set, result.control_number,
                 lambda: x12_map.read(rows, context))  # fmt: skip

    def edifact(interchange: Any, group: Any, result: SetResult, segments: list[Any]) -> None:
        edifact_map = map_for_message(result.transaction_set)
        if result.status is Status.REJECTED and edifact_map is not None:
            chars, syntax = interchange.chars, interchange.syntax_identifier
            rows = [[[decode(v, syntax) for v in element[0]]
                     for element in split_segment(s.text, chars)] for s in segments]  # fmt: skip
            version = "".join((result.message_version or "").split(":")[:2])
            context = EdifactReadContext(chars, version, result.implementation_reference)
            keep(result.transaction_set, result.control_number,
                 lambda: edifact_map.read(rows, context))  # fmt: skip

    data = path.read_bytes()
    if path.suffix == ".edi":
        validate_edifact(data, on_message=edifact)
    else:
        validate_x12(data, on_set=x12)
    return found


def _failure(failure: MappingFailure) -> dict[str, str]:
    return {
        "set": f"{failure.transaction_set} {failure.set_control_number}",
        "message": failure.message,
    }


def golden_path(sample: Path) -> Path:
    standard = sample.relative_to(SAMPLES).parts[0]
    return GOLDEN / standard / sample.parent.name / (sample.stem + ".json")


@requires_samples
@pytest.mark.parametrize("sample", SAMPLES_TO_MAP, ids=sample_id)
def test_sample_maps_to_its_golden_json(sample: Path) -> None:
    output = canonical_output(sample)
    expected_file = golden_path(sample)
    text = json.dumps(output, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if REGENERATE:
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(text, encoding="utf-8")
    assert expected_file.exists(), (
        f"no golden file {expected_file}: run with CROSSDOCK_REGEN_GOLDEN=1"
    )
    assert json.loads(expected_file.read_text(encoding="utf-8")) == output


@requires_samples
@pytest.mark.parametrize("sample", SAMPLES_TO_MAP, ids=sample_id)
def test_every_document_is_valid_against_the_contract_schema(sample: Path) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for document in canonical_output(sample)["documents"]:
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


@requires_samples
def test_every_golden_file_has_a_sample() -> None:
    """A renamed or removed sample leaves no stale golden file behind."""
    expected = {golden_path(p) for p in SAMPLES_TO_MAP}
    assert set(GOLDEN.rglob("*.json")) <= expected


@requires_samples
def test_clean_samples_of_every_mapped_kind_produce_documents() -> None:
    """Guards against a map that silently yields nothing: each kind has a clean sample
    that must give at least one document of that kind."""
    kinds = {
        "x12/850/bots__850-004010VICS-01.x12": "purchase_order",
        "x12/855/stupidedi__004010_PR855_pass_1.x12": "po_acknowledgement",
        "x12/856/oopfactory__Example1.x12": "ship_notice",
        "x12/810/staedi__simple810.x12": "invoice",
        "x12/997/staedi__simple997.x12": "functional_ack",
        "edifact/DESADV/bots__dutchic_desadv1.edi": "ship_notice",
        "edifact/INVOIC/staedi__invoic_d93a_una.edi": "invoice",
    }
    for name, kind in kinds.items():
        documents = canonical_output(SAMPLES / name)["documents"]
        assert documents, name
        assert {d["meta"]["kind"] for d in documents} == {kind}, name
