"""Every X12 sample in the shared corpus: what validation must find, and why.

Samples that look valid to looser readers but break a rule are listed with the rule
(X12.5 envelope, X12.6 syntax, or the transaction set's table); every file marked
INVALID in SOURCES.md must have findings. A finding is written as in
:func:`tests.samples.summary.summarize`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edi_maps.x12.validation import validate_x12
from tests.conftest import SAMPLES, requires_samples, sample_files, sample_id
from tests.samples.summary import summarize

CLEAN = {
    "x12/810/edifabric__X12_810_00204_SegmentSeparatorLF.x12",
    "x12/810/staedi__simple810.x12",
    "x12/850/bots__850-004010.13.x12",
    "x12/850/bots__850-004010VICS-01.x12",
    "x12/850/bots__ebcdic.x12",
    "x12/850/node-x12__850.x12",
    "x12/850/node-x12__850_2.x12",
    "x12/850/node-x12__850_fat.x12",
    "x12/850/oopfactory__Example1_PGWGlass.x12",
    "x12/850/oopfactory__Example2_Adobe_TLP.x12",
    "x12/855/bots__855-004010UCS-01.x12",
    "x12/855/node-x12__855.x12",
    "x12/855/stupidedi__004010_PR855_pass_1.x12",
    "x12/856/bots__856_2.x12",
    "x12/856/bots__PARTNER2_20130123_1.x12",
    "x12/856/ediengine__856.Crossdock.OK.x12",
    "x12/856/oopfactory__Example1.x12",
    "x12/856/oopfactory__Example2.x12",
    "x12/860/vscode-edi__multiple_transactions.x12",
    "x12/940/ediengine__940.OK.x12",
    "x12/944/stupidedi__004010_RE944_pass_1.x12",
    "x12/997/bots__997-004010VICS-01.x12",
    "x12/997/bots__997_6.x12",
    "x12/997/staedi__simple997-multiple-interchanges.x12",
    "x12/997/staedi__simple997.x12",
    "x12/999/pyx12__834_ls_le_ls_5010.999.x12",
    "x12/999/pyx12__834_lui_id_5010.999.x12",
    "x12/999/staedi__simple999.x12",
    "x12/TA1/oopfactory__TechnicalAcknowledgment_SampleFromJeffN825.x12",
    "x12/mixed/staedi__invoice810_po850_dual.x12",
}

# file: (findings, the rule that the sample breaks)
FINDINGS: dict[str, tuple[list[str], str]] = {
    "x12/810/edifabric__X12_810_00204_InvalidTrailers.x12": (
        ["file 022"],
        "INVALID: trailing garbage '1r' after the IEA",
    ),
    "x12/810/edifabric__X12_810_00204_MissingGroupTrailer.x12": (
        ["isa1.gs1 3"],
        "INVALID: GE missing (AK9 3)",
    ),
    "x12/810/edifabric__X12_810_00204_RepetitionSeparator.x12": (
        ["isa1 016"],
        "X12.5: before control version 00402 ISA11 is the standards identifier and must be 'U'; '!' is not a repetition separator there",
    ),
    "x12/810/edinet__x12.810a.x12": (
        ["isa1 011", "isa1 013", "isa1 008"],
        "X12.5: ISA fields are fixed width; ISA02/ISA04 are a single space and ISA08 is 8 characters, not padded",
    ),
    "x12/810/oopfactory__Example3_MultiInvoice.x12": (
        [
            "isa1.gs1.st1 5",
            "isa1.gs1.st1 TDS@26 3",
            "isa1.gs1.st1 TDS@27 7",
            "isa1.gs1.st2 5",
            "isa1.gs1.st2 TDS@14 3",
            "isa1.gs1.st2 TDS@15 7",
        ],
        "810 table: TDS (summary position 010) must precede the ISS loop; the sample sends ISS first, so TDS is missing where expected and out of sequence after",
    ),
    "x12/810/stupidedi__004010_IN810_pass_1.x12": (
        ["isa1.gs1.st1 5", "isa1.gs1.st1 IT1@7 e3:2", "isa1.gs1.st1 IT1@9 e3:2"],
        "IT1 syntax note P020304: IT102 quantity is present without IT103 unit of measure",
    ),
    "x12/832/oopfactory__Example1_HIBCC.x12": (
        ["isa1 003"],
        "ISA12 '00040' is not a control version (TA1 003)",
    ),
    "x12/846/oopfactory__Example1.x12": (
        ["isa1 016"],
        "X12.5: ISA11 must be 'U' before 00402; the sample has a space",
    ),
    "x12/850/ballerina__x12-sender.x12": (
        ["isa1.gs1.st1 5", "isa1.gs1.st1 PO1@3 e6:5", "isa1.gs1.st1 PO1@3 e7:2"],
        "PO1: 'BP' lands in PO105 and 'SKU-A' in PO106 (element 235 is ID 2/2), and PO107 is missing (P0607)",
    ),
    "x12/850/bots__850-004010-02.x12": (
        ["isa1.gs1.st2 23", "isa1.gs2.st2 23"],
        "ST02 must be unique within a functional group: each group repeats 000000001 (AK5 23)",
    ),
    "x12/850/bots__850-004010-08.x12": (
        ["isa1 016", "isa1.gs1.st2 5", "isa1.gs1.st2 DTM@4 e6:2"],
        "ISA11 'U' with control version 00403, where ISA11 is the repetition separator; DTM05 without DTM06 (P0506)",
    ),
    "x12/850/ediengine__850.SyntaxNotes.ERR.x12": (
        [
            "isa1.gs1.st1 5",
            "isa1.gs1.st1 PO1@13 e7:2",
            "isa1.gs1.st1 PO4@30 e6:2",
            "isa1.gs1.st1 PO4@30 e6:2",
        ],
        "INVALID: PO1 P0607, PO4 C0506 and P0607 (EdiEngine's own test expects these three)",
    ),
    "x12/850/edinet__x12.850.issue135.x12": (
        ["isa1.gs1.st2 23"],
        "ST02 0001 used twice in one group (AK5 23)",
    ),
    "x12/850/stupidedi__003010_PO850_fail_1.x12": (
        ["isa1 011", "isa1 013", "isa1 006", "isa1 008", "isa1.gs1.st1 4"],
        "INVALID: SE01=28 for 27 segments; ISA fields not padded",
    ),
    "x12/850/stupidedi__003050_PO850_fail_1.x12": (
        ["isa1 011", "isa1 013", "isa1 006", "isa1 008"],
        "INVALID: ISA not fixed-width and split across lines",
    ),
    "x12/850/stupidedi__004010_X357_pass_basic-po.x12": (
        ["isa1.gs1.st1 6"],
        "GS01 'SC' (price/sales catalog) does not carry 850s, whose functional group is PO (AK5 6)",
    ),
    "x12/855/stupidedi__004010_PR855_fail_2.x12": (
        [
            "isa1 022",
            "isa1 011",
            "isa1 013",
            "isa1 006",
            "isa1 008",
            "isa1.gs1.st1 5",
            "isa1.gs1.st1 PO1@5 e3:5",
            "isa1.gs1.st1 SCH@7 e2:5",
        ],
        "INVALID: ISA not fixed-width and broken by its LF terminator; also 'DZN' is not a 2-character unit of measure (355 is ID 2/2)",
    ),
    "x12/855/stupidedi__004010_X358_pass_basic-po-ack-rejected.x12": (
        ["isa1.gs1.st1 6"],
        "GS01 'SC' does not carry 855s, whose functional group is PR (AK5 6)",
    ),
    "x12/856/node-x12__856.x12": (
        ["isa1.gs1.st1 5", "isa1.gs1.st1 REF@6 e2:6", "isa1.gs1.st1 N4@14 e3:6"],
        "ISA11 declares '-' the repetition separator, then '-' is used as data in REF02 and N403; 004060 is validated with the 004010 tables, where those elements do not repeat",
    ),
    "x12/856/oopfactory__Example3.x12": (
        ["isa1 004"],
        "INVALID: segment terminator is a UTF-8 ellipsis (first byte E2), not a valid delimiter (TA1 004)",
    ),
    "x12/856/stupidedi__002001_SH856_fail_1.x12": (
        ["isa1 011", "isa1 013", "isa1 006", "isa1 008"],
        "X12.5: ISA fields not padded to their fixed width",
    ),
    "x12/856/stupidedi__004010_SH856_fail_2.x12": (
        [
            "isa1.gs1.st1 4",
            "isa1.gs1.st1 5",
            "isa1.gs1.st1 N1@11 e7:3",
            "isa1.gs1.st1 N1@11 e5:5",
            "isa1.gs1.st1 N1@11 e6:5",
            "isa1.gs1.st1 PRF@12 7",
        ],
        "INVALID: SE01=25 for 22 segments; N1/N3/N4 end with '~' instead of '$' and merge into one N1",
    ),
    "x12/860/oopfactory__Example1.x12": (
        ["isa1 006", "isa1.gs1.st1 4"],
        "INVALID: N1 lacks its terminator (SE01 off); ISA06 is 14 characters",
    ),
    "x12/860/stupidedi__003010_PC860_fail_1.x12": (
        ["isa1 011", "isa1 013", "isa1 006", "isa1 008"],
        "X12.5: ISA fields not padded to their fixed width",
    ),
    "x12/940/ediengine__940_Failed_SE01.x12": (
        ["isa1.gs1.st1 4"],
        "INVALID: SE01=12 for 9 segments",
    ),
    "x12/940/ediengine__ControlNumbersMismatch.x12": (
        ["isa1 001", "isa1.gs1 4", "isa1.gs1.st1 3"],
        "INVALID: SE02/GE02/IEA02 do not match ST02/GS06/ISA13",
    ),
    "x12/940/ediengine__MultipleInterchangesAndGroups.x12": (
        ["isa1 018", "isa2 018"],
        "IEA02 is N0 9/9: '3438' is not zero-padded (TA1 018)",
    ),
    "x12/940/ediengine__WrongGroupsAndTranCount.x12": (
        ["isa1 021", "isa1 018", "isa1.gs1 5"],
        "INVALID: GE01=2 and IEA01=2 for one set and one group; IEA02 unpadded",
    ),
    "x12/940/oopfactory__simplot.x12": (
        ["isa1 001", "isa1.gs1 4"],
        "GE02 940001777 and IEA02 940001777 do not match GS06 177818711 and ISA13 398161180",
    ),
    "x12/945/oopfactory__inter-americanproducts.x12": (
        ["isa1 016", "isa1 024", "isa1.gs1 4", "isa1.gs1.st1 7"],
        "malformed GS with extra empty elements (TA1 024); ISA11 'U' with 00501; ST02 is 10 characters (329 is AN 4/9)",
    ),
    "x12/997/staedi__empty997.x12": (
        ["isa1.gs1.st1 5", "isa1.gs1.st1 AK1@2 3", "isa1.gs1.st1 AK9@2 3"],
        "INVALID: mandatory AK1 and AK9 missing",
    ),
    "x12/997/staedi__invalid997.x12": (
        ["isa1.gs1.st1 5", "isa1.gs1.st1 AK1@2 e1:5", "isa1.gs1.st1 AK4@5 e2:6"],
        "INVALID: AK101 is not a 2-character functional id, AK402 is not numeric",
    ),
    "x12/997/stupidedi__004010_FA997_pass_1.x12": (
        ["isa1 006"],
        "X12.5: ISA06 'XXXXXX' is padded to 12 characters, not 15",
    ),
    "x12/999/staedi__invalid999.x12": (
        [
            "isa1.gs1.st1 4",
            "isa1.gs1.st1 5",
            "isa1.gs1.st1 IK5@2 2",
            "isa1.gs1.st1 AK1@3 e1:5",
            "isa1.gs1.st1 AK2@4 e4:3",
            "isa1.gs1.st1 IK5@5 e1:7",
            "isa1.gs1.st1 IK5@6 5",
            "isa1.gs1.st1 CTX@14 e6.1:6",
        ],
        "INVALID: IK5 before AK1, bad AK101 and AK2, IK501 'Q', two IK5, CTX06 not numeric, SE01 wrong",
    ),
    "x12/TA1/edifabric__X12_810_00204_TA1.x12": (
        ["isa1 024"],
        "TA101 is N0 9/9: '17456' is not a 9-digit control number",
    ),
    "x12/TA1/oopfactory__TechnicalAcknowledgment_Sample1.x12": (
        ["isa1 024", "isa1 024"],
        "each TA1 has four elements (no TA105 note code) and an 8-digit TA102",
    ),
    "x12/TA1/staedi__x12_interchange_ack.x12": (
        ["isa1 021"],
        "IEA01=1 although the interchange holds no functional group (a TA1 only)",
    ),
}

FILES = sample_files("x12/*/*")


@requires_samples
@pytest.mark.parametrize("path", FILES, ids=[sample_id(p) for p in FILES])
def test_sample_validates_as_expected(path: Path) -> None:
    name = sample_id(path)
    assert name in CLEAN or name in FINDINGS, f"new sample {name}: decide what it must give"
    expected = FINDINGS[name][0] if name in FINDINGS else []
    assert summarize(validate_x12(path.read_bytes())) == expected


@requires_samples
def test_every_sample_marked_invalid_has_findings() -> None:
    sources = (SAMPLES / "SOURCES.md").read_text(encoding="utf-8")
    invalid = set(re.findall(r"`(x12/[^`]+)`[^\n]*INVALID", sources))
    assert invalid, "SOURCES.md lists INVALID samples"
    for name in invalid:
        assert name in FINDINGS, f"{name} is marked INVALID but validation finds nothing"
