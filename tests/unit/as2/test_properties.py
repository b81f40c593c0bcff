"""Mutated input gives a result or an As2Error, never another exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from as2 import Content, Mdn, OutboundMessage, build_mdn, build_message, der, read_mdn, receive
from as2.cms_compress import decompress
from as2.cms_encrypt import decrypt
from as2.cms_sign import verify_detached
from as2.errors import As2Error
from as2.headers import Headers, parse_parameters
from as2.mime import decode_base64, parse_entity, split_multipart
from tests.unit.as2.pki import Pki

# Session- and module-scoped fixtures are shared by every example (keys are costly).
PROFILE = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
EDITS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 1 << 20), st.integers(0, 255)),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, value) edits: flip bits of a byte, cut, or insert."""
    out = bytearray(data)
    for kind, position, value in edits:
        if not out:
            break
        index = position % len(out)
        if kind == 0:
            out[index] ^= value or 1
        elif kind == 1:
            del out[index : index + value]
        else:
            out[index:index] = bytes([value]) * (value % 7 + 1)
    return bytes(out)


@pytest.fixture(scope="module")
def messages(pki: Pki) -> list[OutboundMessage]:
    """A signed + encrypted message and a signed-only one, from us to the partner."""
    return [
        build_message(b"ISA*00*~\nGS*PO~\n" * 5, local=pki.local(), partner=pki.policy()),
        build_message(b"ISA*00*~\n", local=pki.local(), partner=pki.policy(encrypt=False)),
    ]


@pytest.fixture(scope="module")
def mdn(pki: Pki, messages: list[OutboundMessage]) -> Mdn:
    result = receive(
        messages[1].headers,
        messages[1].body.tobytes(),
        local=pki.partner_local(),
        find_partner=lambda _: pki.our_policy(require_encryption=False),
    )
    assert result.ok
    return build_mdn(result)


@PROFILE
@given(edits=EDITS, which=st.integers(0, 1))
def test_receive_never_raises_on_mutated_messages(
    pki: Pki, messages: list[OutboundMessage], edits, which
) -> None:
    policy = pki.our_policy(require_encryption=False)
    message = messages[which]
    body = mutate(message.body.tobytes(), edits)
    result = receive(
        message.headers, body, local=pki.partner_local(), find_partner=lambda _: policy
    )
    assert result.error is None or isinstance(result.error, As2Error)
    assert (result.payload is None) is (result.error is not None)
    build_mdn(result)  # an MDN can always be built


@PROFILE
@given(edits=EDITS)
def test_mutated_mdns_raise_only_as2_errors(pki: Pki, mdn: Mdn, edits) -> None:
    with contextlib.suppress(As2Error):
        read_mdn(mdn.headers, mutate(mdn.body, edits), partner=pki.our_policy())


@PROFILE
@given(data=st.binary(max_size=600))
def test_mime_parsers_on_arbitrary_bytes(data: bytes) -> None:
    for raw in (data, b"Content-Type: multipart/signed; boundary=b\r\n\r\n" + data):
        with contextlib.suppress(As2Error):
            split_multipart(parse_entity(Content.of(raw)))
    with contextlib.suppress(As2Error):
        decode_base64(Content.of(data))


@PROFILE
@given(data=st.binary(max_size=400))
def test_cms_readers_on_arbitrary_bytes(pki: Pki, data: bytes) -> None:
    content = Content.of(data)
    for call in (
        lambda: der.Reader(content).tlv(0),
        lambda: der.sniff_content_type(content),
        lambda: decrypt(content, [pki.ours]),
        lambda: decompress(content),
        lambda: verify_detached(data, content, [pki.partner.certificate]),
    ):
        with contextlib.suppress(As2Error):
            call()


@PROFILE
@given(edits=EDITS)
def test_cms_readers_on_mutated_structures(
    pki: Pki, messages: list[OutboundMessage], edits
) -> None:
    data = mutate(messages[0].body.tobytes(), edits)
    with contextlib.suppress(As2Error):
        decrypt(Content.of(data), [pki.ours, pki.partner])


@PROFILE
@given(text=st.text(max_size=200))
def test_header_parsing_accepts_any_text(text: str) -> None:
    Headers([("Content-Type", text)]).get("content-type")
    parse_parameters(text)
