"""Every EDIFACT sample in the shared corpus: what validation must find, and why.

Findings are written as in :func:`tests.samples.summary.summarize` with segment
positions dropped and repeats counted (``QTY e1.3:39 x123``). Samples that look valid
to looser readers but break a rule are listed with the rule (ISO 9735 for the
envelope, the UN directory of the message for its content); every file marked INVALID
in SOURCES.md must have findings. Messages of directories we do not bundle (D93A,
D96B, D97A, D00A, D03A, D07A, D10A) are checked at envelope level only.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from edi_maps.edifact.validation import validate_edifact
from tests.conftest import SAMPLES, requires_samples, sample_files, sample_id
from tests.samples.summary import EDIFACT_LEVELS, summarize

CLEAN = {
    "edifact/DESADV/bots__dutchic_desadv1.edi",
    "edifact/INVOIC/edifabric__Edifact_INVOIC_D00A_EscapedRepetition.edi",
    "edifact/INVOIC/edifabric__Edifact_INVOIC_D00A_EscapedSegmentTerminator.edi",
    "edifact/INVOIC/edifabric__Edifact_INVOIC_D00A_NonDefaultSeparators.edi",
    "edifact/INVOIC/staedi__invoic_d93a_una.edi",
    "edifact/INVOIC/staedi__invoic_d97b_una.edi",
    "edifact/ORDERS/bots__order01.edi",
}

UNT_COUNT = ["unb1.grp1.unh1 29", "unb1.grp1.unh1 UNT e1:29"]

# file: (findings, the rule that the sample breaks)
FINDINGS: dict[str, tuple[list[str], str]] = {
    "edifact/APERAK/edinet__Apperak_edi_out_issue235.edi": (
        ["unb1 13 x4", "unb1 2", "unb2 13", "unb2 28"],
        "INVALID: a stray UNB+++++4 (no syntax, sender, recipient, nor UNZ) before the real "
        "UNB, which has no control reference (0020) that its UNZ could repeat",
    ),
    "edifact/APERAK/pydifact__aperak.edi": (UNT_COUNT, "UNT 0074 is 8 for 7 segments"),
    "edifact/APERAK/pydifact__aperak_rejected.edi": (UNT_COUNT, "UNT 0074 is 8 for 7 segments"),
    "edifact/DESADV/php-edifact__D96ADESADV.edi": (
        ["unb1.grp1.unh1 12", "unb1.grp1.unh1 UNH e2.2:12"],
        "UNH S009 0052 '0' is not in code list 0052 (1, 2, 4, 88, 89, 90, D, S)",
    ),
    "edifact/DESADV/vscode-edi__DESADV.edi": (
        ["unb1 13 x2", "unb1.grp1.unh2 26", "unb1.grp1.unh2 UNH e1:26"],
        "UNB sender and recipient are blank (S002/S003 0004 and 0010 are mandatory); both "
        "messages use reference 2266, which must be unique in the interchange",
    ),
    "edifact/DESADV/vscode-edi__EDIFACT-interchanges.edi": (
        [
            "unb1 21 x2",
            "unb1.grp1.unh1 13",
            "unb1.grp1.unh1 DTM 13",
            "unb1.grp1.unh1 UNS 13",
            "unb1.grp1.unh2 13",
            "unb1.grp1.unh2 DTM 13",
            "unb2 21 x2",
            "unb2.grp1.unh1 13",
            "unb2.grp1.unh1 DTM 13",
            "unb2.grp1.unh1 UNS 13",
        ],
        "placeholder ids '<Sender GLN>' hold lower case, which UNOA does not have; skeleton "
        "messages (UNH, BGM, UNT): D.96A ORDERS needs DTM and UNS, DESADV needs DTM",
    ),
    "edifact/INVOIC/bots__invoic01.edi": (
        ["unb1.grp1.unh2 26", "unb1.grp1.unh2 UNH e1:26"],
        "both messages use reference 111425, which must be unique in the interchange",
    ),
    "edifact/INVOIC/edifabric__Edifact_INVOIC_D00A_Group.edi": (
        ["unb1.grp1 12"],
        "UNG 0038 '1' does not name INVOIC, the type of the messages in the group",
    ),
    "edifact/INVOIC/edifabric__Edifact_INVOIC_D00A_MissingInterchangeTrailer.edi": (
        ["unb1 13"],
        "INVALID: the first interchange has no UNZ",
    ),
    "edifact/INVOIC/edinet__edifact.Issue188.edi": (
        [
            "unb1 29",
            "unb1.grp1.unh1 29",
            "unb1.grp1.unh1 UNT e1:29",
            "unb1.grp1.unh2 13",
            "unb1.grp1.unh2 28",
            "unb1.grp1.unh2 29",
            "unb1.grp1.unh2 UNT e1:29",
            "unb1.grp1.unh2 UNT e2:28",
            "unb1.grp1.unh2 BGM 13",
            "unb1.grp1.unh2 UNS 13",
            "unb1.grp1.unh3 29",
            "unb1.grp1.unh3 UNT e1:29",
            "unb1.grp1.unh4 13",
            "unb1.grp1.unh4 26",
            "unb1.grp1.unh4 28",
            "unb1.grp1.unh4 29",
            "unb1.grp1.unh4 UNH e1:26",
            "unb1.grp1.unh4 UNT e1:29",
            "unb1.grp1.unh4 UNT e2:28",
            "unb1.grp1.unh4 BGM 13",
            "unb1.grp1.unh4 UNS 13",
        ],
        "INVALID: UNT counts and references, UNZ count; the INVOICs hold no BGM",
    ),
    "edifact/INVOIC/edireader__tiny-syntaxVariants-UNOA.edi": (
        [
            "unb1 12 x2",
            "unb1.grp1.unh1 13",
            "unb1.grp1.unh1 DTM 13",
            "unb1.grp1.unh1 UNS 13",
            "unb1.grp1.unh1 MOA 13",
        ],
        "a syntax-variant skeleton: UNB 0031 'a' and 0035 't' (only 1 is defined); D.97B "
        "INVOIC needs DTM, UNS and the summary MOA",
    ),
    "edifact/INVOIC/smooks__INVOIC_D.03B_Interchange_with_UNA.edi": (
        ["unb1 12", *UNT_COUNT],
        "syntax 4 wants the UNB date as CCYYMMDD, not 990420; UNT 0074 is 36 for 35",
    ),
    "edifact/INVOIC/staedi__invoic_d97b_bad.edi": (
        [
            "unb1.grp1.unh1 39",
            "unb1.grp1.unh1 NAD e1:39",
            "unb1.grp1.unh1 QTY e1.2:37",
            "unb1.grp1.unh1 PRI e1.2:21",
            "unb1.grp1.unh1 PRI e1.2:37",
            "unb1.grp1.unh1 UNS 35",
        ],
        "INVALID: NAD 3035 'BYZZ' (an..3), letters in QTY 6060 and PRI 5118 ('$' is no "
        "UNOA character either), UNS twice",
    ),
    "edifact/ORDERS/ballerina__edifact-acme.edi": (UNT_COUNT, "INVALID: UNT 0074 is 9 for 10"),
    "edifact/ORDERS/edireader__ORDERS-D01B-UNOE.edi": (
        ["unb1.grp1.unh1 12", "unb1.grp1.unh1 UNS e1:12"],
        "UNS 0081 'Z' is not a section identification (D or S)",
    ),
    "edifact/ORDERS/php-edifact__example_order_error.edi": (
        [
            "unb1.grp1.unh1 39",
            "unb1.grp1.unh1 QTY e1.3:39 x123",
            "unb1.grp1.unh1 IMD e3.6:39",
            "unb1.grp1.unh1 IMD e3.7:16",
        ],
        "INVALID: an unreleased ':' in IMD text adds components; as in its 'ok' sibling, "
        "measure units GBND/PACK are longer than D.01B 6411 an..3",
    ),
    "edifact/ORDERS/php-edifact__example_order_ok.edi": (
        ["unb1.grp1.unh1 39", "unb1.grp1.unh1 QTY e1.3:39 x123"],
        "QTY 6411 measure units GBND/PACK are longer than D.01B's an..3",
    ),
    "edifact/ORDERS/pydifact__order.edi": (
        ["unb1 12", "unb1 13"],
        "INVALID: no UNZ; syntax 4 wants the UNB date as CCYYMMDD, not 081012",
    ),
    "edifact/ORDERS/smooks__BAD_ORDERS_D.03B_Interchange.edi": (
        [
            "unb1.grp1.unh1 29",
            "unb1.grp1.unh1 35",
            "unb1.grp1.unh1 UNT e1:29",
            "unb1.grp1.unh1 DTM 35",
            "unb1.grp1.unh1 COM e1.1:21 x3",
            "unb1.grp1.unh1 FTX e4.1:21 x36",
        ],
        "INVALID: header DTM more than its 35 uses; UNT 0074 is 22 for 57; lower case "
        "in COM and FTX is outside UNOA",
    ),
    "edifact/ORDERS/staedi__orders-with-group.edi": (
        ["unb1 12", *UNT_COUNT],
        "UNB 0031 '0' (only 1 is defined); UNT 0074 is 21 for 18",
    ),
    "edifact/ORDERS/vscode-edi__bug-edifact-escape.edi": (
        ["unb1 13 x2"],
        "UNB sender and recipient are blank (S002/S003 0004 and 0010 are mandatory)",
    ),
    "edifact/ORDERS/vscode-edi__sample-invalid-version.edi": (
        ["unb1 21 x2", "unb1.grp1.unh1 12", "unb1.grp1.unh1 UNH e2.2:12"],
        "INVALID: UNH version 'X' is not in code list 0052; the placeholder ids "
        "'<Sender GLN>' hold lower case, which UNOA does not have",
    ),
    "edifact/ORDERS/vscode-edi__syntaxVersion4.edi": (
        ["unb1.grp1.unh1 13", "unb1.grp1.unh1 DTM 13"],
        "D.96A ORDERS needs the DTM after BGM",
    ),
    "edifact/ORDRSP/edinet__edifact.ORDRSP.edi": (
        [
            "unb1 28",
            "unb1.grp1.unh1 28",
            "unb1.grp1.unh1 29",
            "unb1.grp1.unh1 UNT e1:29",
            "unb1.grp1.unh1 UNT e2:28",
        ],
        "INVALID: UNT count and reference, UNZ reference",
    ),
    "edifact/ORDRSP/edireader__ORDERS-D01B-UNOC.edi": (
        ["unb1.grp1.unh1 12", "unb1.grp1.unh1 UNS e1:12"],
        "UNS 0081 'Z' is not a section identification (D or S)",
    ),
    "edifact/PAORES/php-edifact__example_release_character.edi": (
        UNT_COUNT,
        "UNT 0074 is 14 for 23 (an IATA message: its version '93' is IATA's, not from 0052)",
    ),
}

FILES = sample_files("edifact/*/*")


def compact(found: list[str]) -> list[str]:
    counted = Counter(re.sub(r"@\d+", "", finding) for finding in found)
    return [finding if n == 1 else f"{finding} x{n}" for finding, n in counted.items()]


@requires_samples
@pytest.mark.parametrize("path", FILES, ids=[sample_id(p) for p in FILES])
def test_sample_validates_as_expected(path: Path) -> None:
    name = sample_id(path)
    assert name in CLEAN or name in FINDINGS, f"new sample {name}: decide what it must give"
    expected = FINDINGS[name][0] if name in FINDINGS else []
    assert compact(summarize(validate_edifact(path.read_bytes()), EDIFACT_LEVELS)) == expected


@requires_samples
def test_every_sample_marked_invalid_has_findings() -> None:
    sources = (SAMPLES / "SOURCES.md").read_text(encoding="utf-8")
    invalid = set(re.findall(r"`(edifact/[^`]+)`[^\n]*INVALID", sources))
    assert invalid, "SOURCES.md lists INVALID samples"
    for name in invalid:
        assert name in FINDINGS, f"{name} is marked INVALID but validation finds nothing"
