"""Character sets: syntax identifier → codec, decoding the reader's ISO-8859-1
values, and the repertoire checks behind syntax error 21."""

from __future__ import annotations

import codecs

import pytest

from edi_maps.edifact.charsets import SYNTAX_CODECS, codec, decode, repertoire_problems


def latin(text: str, encoding: str) -> str:
    """``text`` as the reader gives it: its bytes in ``encoding``, read as ISO-8859-1."""
    return text.encode(encoding).decode("latin-1")


def test_every_codec_exists() -> None:
    for name in SYNTAX_CODECS.values():
        codecs.lookup(name)


@pytest.mark.parametrize(
    ("syntax_id", "expected"),
    [("UNOA", "ascii"), ("UNOB", "ascii"), ("UNOC", "latin-1"), ("UNOD", "iso8859-2"),
     ("UNOE", "iso8859-5"), ("UNOF", "iso8859-7"), ("UNOK", "iso8859-9"), ("UNOW", "utf-8"),
     ("UNOY", "utf-8"), ("IATB", "ascii"), ("XXXX", None)],
)  # fmt: skip
def test_codec_of_a_syntax_identifier(syntax_id: str, expected: str | None) -> None:
    assert codec(syntax_id) == expected


@pytest.mark.parametrize(
    ("text", "syntax_id"),
    [("Müller Straße", "UNOC"), ("Łódź", "UNOD"), ("Лорем ипсум", "UNOE"),
     ("Καλημέρα", "UNOF"), ("İstanbul", "UNOK"), ("東京 ✓", "UNOW"), ("München", "UNOY")],
)  # fmt: skip
def test_decode_in_the_declared_character_set(text: str, syntax_id: str) -> None:
    assert decode(latin(text, SYNTAX_CODECS[syntax_id]), syntax_id) == text


def test_ascii_values_are_returned_as_they_are() -> None:
    value = "PLAIN VALUE 12.50"
    assert decode(value, "UNOE") is value


def test_utf8_labelled_as_a_single_byte_set_is_read_as_utf8() -> None:
    # Two samples of the corpus send UTF-8 as UNOA or UNOC.
    assert decode(latin("München", "utf-8"), "UNOA") == "München"
    assert decode(latin("Kälte", "utf-8"), "UNOC") == "Kälte"
    assert decode(latin("Kälte", "utf-8"), "UNOC", sniff_utf8=False) == "KÃ¤lte"


def test_undecodable_bytes_become_replacement_characters() -> None:
    assert decode("M\xfcnchen", "UNOA") == "M\ufffdnchen"  # an 8-bit byte at level A
    assert decode("\xa5", "UNOG") == "\ufffd"  # a position ISO 8859-3 leaves undefined
    assert decode("caf\xc3", "UNOW") == "caf\ufffd"  # a cut UTF-8 sequence


def test_an_unknown_syntax_identifier_leaves_the_value_alone() -> None:
    assert decode("M\xfcnchen", "ZZZZ") == "M\xfcnchen"


def test_level_a_repertoire() -> None:
    assert repertoire_problems("ABC 123 .,-()/='+:?!\"%&*;<>", "UNOA") == []
    problems = repertoire_problems("Abc#cb", "UNOA")  # each character once
    assert problems == [
        "character 'b' (U+0062) is not in the UNOA repertoire",
        "character 'c' (U+0063) is not in the UNOA repertoire",
        "character '#' (U+0023) is not in the UNOA repertoire",
    ]
    assert repertoire_problems("ABC\xe9", "IATA")


def test_level_b_adds_lower_case() -> None:
    assert repertoire_problems("Abc def", "UNOB") == []
    assert repertoire_problems("x@y", "UNOB") == [
        "character '@' (U+0040) is not in the UNOB repertoire"
    ]


def test_eight_bit_sets_refuse_control_characters_and_undefined_positions() -> None:
    assert repertoire_problems(latin("Müller", "latin-1"), "UNOC") == []
    assert repertoire_problems("A\x07B", "UNOC") == [
        "character '\\x07' (U+0007) is not in the UNOC repertoire"
    ]
    assert repertoire_problems("\x85", "UNOC")  # a C1 control
    assert repertoire_problems("\xa5", "UNOG") == [
        "bytes a5 are not iso8859-3 (syntax identifier UNOG)"
    ]


def test_utf8_sets_refuse_broken_sequences() -> None:
    assert repertoire_problems(latin("東京", "utf-8"), "UNOW") == []
    assert repertoire_problems("caf\xc3", "UNOW") == [
        "bytes c3 are not utf-8 (syntax identifier UNOW)"
    ]


def test_unknown_syntax_identifiers_have_no_repertoire_to_check() -> None:
    assert repertoire_problems("anything\x00", "ZZZZ") == []
