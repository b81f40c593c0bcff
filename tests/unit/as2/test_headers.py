from __future__ import annotations

import pytest

from as2.errors import MalformedMessage
from as2.headers import (
    Headers,
    clean,
    format_parameters,
    parse_block,
    parse_parameters,
    quote,
    render,
    unfold,
)


def test_values_are_unfolded_and_looked_up_case_insensitively() -> None:
    headers = Headers(
        [
            (
                "Content-Type",
                'multipart/signed;\r\n\tprotocol="application/pkcs7-signature";\r\n micalg=sha-256',
            ),
            (b"AS2-From", b"  acme  "),
        ]
    )
    assert headers.get("content-type") == (
        'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256'
    )
    assert headers.get("as2-FROM") == "acme"
    assert "AS2-From" in headers and "AS2-To" not in headers


def test_unfold_and_clean_remove_line_breaks_and_controls() -> None:
    assert unfold("a\r\n b\n\tc") == "a b c"
    assert clean("<id@x>\r\nBcc: victim@example.com\x00") == "<id@x> Bcc: victim@example.com"
    assert "\n" not in clean("x\ny") and "\r" not in clean("x\ry")


def test_render_refuses_header_injection() -> None:
    assert render([("AS2-To", "acme")]) == b"AS2-To: acme\r\n"
    with pytest.raises(ValueError, match="CR/LF"):
        render([("AS2-To", "acme\r\nX-Evil: 1")])
    with pytest.raises(ValueError):
        render([("Bad Name", "x")])


def test_parse_block_with_folds_and_bare_lf() -> None:
    headers = parse_block(b"Content-Type: text/plain;\n charset=us-ascii\nX-A: 1\n")
    assert headers.get("Content-Type") == "text/plain; charset=us-ascii"
    assert headers.get("X-A") == "1"
    with pytest.raises(MalformedMessage):
        parse_block(b" leading continuation\r\n")
    with pytest.raises(MalformedMessage):
        parse_block(b"no colon here\r\n")


def test_parameters() -> None:
    main, params = parse_parameters(
        'Multipart/Signed; Boundary="a;b \\"q\\""; micalg=SHA-256; protocol=x'
    )
    assert main == "multipart/signed"
    assert params == {"boundary": 'a;b "q"', "micalg": "SHA-256", "protocol": "x"}
    assert quote("token") == "token"
    assert quote("with space") == '"with space"'
    assert format_parameters("a/b", [("name", "x y")]) == 'a/b; name="x y"'
