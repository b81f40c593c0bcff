"""Fuzz targets: each takes arbitrary bytes and may only answer with a result or one
of the errors its contract names; anything else is a crash. Shared by the coverage-guided
fuzzer (``bench/fuzz.py``, atheris) and by the tests that replay every crasher found
(``tests/fuzz/test_crashers.py``), so a crash once found is a regression test for ever.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples"
CRASHERS = ROOT / "tests" / "fixtures" / "fuzz-crashers"


@dataclass(frozen=True)
class Target:
    name: str
    run: Callable[[bytes], None]
    seeds: Callable[[], list[bytes]]

    def crashers(self) -> list[Path]:
        folder = CRASHERS / self.name
        return sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []


@cache
def _share_x12_validators() -> None:
    """Build each X12 set validator once per process, as EDIFACT's already are
    (``edifact.message_validation._validator``, whose memo is shared).

    A validator compiles its definition's placement automaton and segment patterns:
    built once per input (the library keeps them on each input's walker), that was ~45 %
    of a small input's ``translate``, input-independent setup rather than what is fuzzed.
    Every input still goes through the same walker, placement and patterns (compiled on
    first sight of each set of delimiters and element count), just as the interchanges of
    one long file share them."""
    from edi_maps.x12 import validation

    walker = validation._Walker
    shared: dict[object, object] = {}
    build = walker.__init__

    def share(self: Any, *args: Any, **kwargs: Any) -> None:
        build(self, *args, **kwargs)
        assert isinstance(self.validators, dict)  # the per-input cache this replaces
        self.validators = shared

    walker.__init__ = share  # type: ignore[method-assign]


def _translate(data: bytes) -> None:
    """Reader, validator, acknowledgements and maps of either standard."""
    from edi_maps.errors import EdiError
    from edi_maps.translate import translate
    from gateway.domain.control_numbers import InMemoryControlNumbers
    from tests.fakes import FixedClock

    _share_x12_validators()
    try:
        result = translate(io.BytesIO(data), numbers=InMemoryControlNumbers(), clock=FixedClock())
    except EdiError:
        return
    for ack in result.acknowledgements:  # what we would send back must itself be text
        ack.edi.encode("latin-1")


def _samples(standard: str) -> Callable[[], list[bytes]]:
    """The public sample corpus of one standard (small files: the fuzzer mutates them)."""

    def seeds() -> list[bytes]:
        found = sorted(p for p in (SAMPLES / standard).rglob("*") if p.is_file())
        small = [p.read_bytes() for p in found if p.stat().st_size < 20_000]
        return small or [b"ISA*00*" if standard == "x12" else b"UNA:+.? 'UNB+UNOC:3"]

    return seeds


def _profile_yaml(data: bytes) -> None:
    from gateway.profiles.errors import ProfileError
    from gateway.profiles.yaml_io import load_profiles_text

    try:
        load_profiles_text(data.decode("utf-8", "replace"), source="fuzz.yaml")
    except ProfileError:
        return


def _profile_seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((ROOT / "demo" / "partners").glob("*.yaml"))]


@cache
def _as2_world() -> tuple[object, object, object]:
    from tests.unit.as2.pki import make_pki

    pki = make_pki()
    return pki, pki.local(), pki.policy("PARTNER")


_AS2_TYPES = (
    'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; '
    'boundary="----=_Part_0"',
    "application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m",
    "application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z",
    "application/pkcs7-mime; smime-type=authEnveloped-data; name=smime.p7m",
    'multipart/report; report-type=disposition-notification; boundary="----=_Part_0"',
)


def _as2(data: bytes) -> None:
    """The MIME and CMS parsers behind ``POST /as2``: ``receive`` reports every refusal
    in its result and ``read_mdn`` raises only As2Error."""
    from as2 import read_mdn, receive
    from as2.errors import As2Error

    _, local, policy = _as2_world()
    kind = _AS2_TYPES[data[0] % len(_AS2_TYPES)] if data else _AS2_TYPES[0]
    body = data[1:]
    headers = [
        ("AS2-From", "PARTNER"),
        ("AS2-To", "CROSSDOCK"),
        ("Message-ID", "<fuzz@partner.example>"),
        ("Content-Type", kind),
        ("Disposition-Notification-To", "edi@partner.example"),
    ]
    if kind.startswith("multipart/report"):
        try:
            read_mdn(headers, body, partner=policy)  # type: ignore[arg-type]
        except As2Error:
            return
        return
    result = receive(headers, body, local=local, find_partner=lambda _: policy)  # type: ignore[arg-type]
    result.close()


def _as2_seeds() -> list[bytes]:
    from as2 import build_mdn, build_message, receive

    pki, local, policy = _as2_world()
    seeds = []
    for sign, encrypt in ((True, True), (True, False), (False, True)):
        built = build_message(
            b"ISA*00*~",
            local=pki.partner_local("PARTNER"),  # type: ignore[attr-defined]
            partner=pki.our_policy("CROSSDOCK", sign=sign, encrypt=encrypt),  # type: ignore[attr-defined]
        )
        content_type = dict(built.headers)["Content-Type"]
        index = next((i for i, t in enumerate(_AS2_TYPES) if t.split(";")[0] in content_type), 0)
        seeds.append(bytes([index]) + built.body.tobytes())
        result = receive(built.headers, built.body, local=local, find_partner=lambda _: policy)  # type: ignore[arg-type]
        mdn = build_mdn(result)
        seeds.append(bytes([4]) + mdn.body)
    return seeds


TARGETS = {
    target.name: target
    for target in (
        Target("x12", _translate, _samples("x12")),
        Target("edifact", _translate, _samples("edifact")),
        Target("as2", _as2, _as2_seeds),
        Target("profile-yaml", _profile_yaml, _profile_seeds),
    )
}
