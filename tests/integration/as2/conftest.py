"""An independent AS2 peer built from the ``openssl cms`` command line (OpenSSL 3.0 here).

Debian's openssl has no zlib, so RFC 3274 compressed data is built in the tests with
Python's zlib and asn1crypto (not with ``as2``'s own code).
"""

from __future__ import annotations

import shutil
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import cms

from tests.unit.as2.pki import Pki, make_pki, write_pem

OPENSSL = shutil.which("openssl")


@dataclass
class OpenSsl:
    """Runs ``openssl cms`` with the session's keys written as PEM files in ``directory``."""

    directory: Path
    counter: int = 0

    def path(self, name: str) -> Path:
        return self.directory / name

    def scratch(self, data: bytes, suffix: str = ".bin") -> Path:
        self.counter += 1
        path = self.directory / f"scratch-{self.counter}{suffix}"
        path.write_bytes(data)
        return path

    def run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        assert OPENSSL is not None
        done = subprocess.run([OPENSSL, "cms", *map(str, args)], capture_output=True, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"openssl cms {args}: {done.stderr.decode(errors='replace')}")
        return done

    def sign(
        self, content: bytes, *, md: str = "sha256", pss: bool = False, signer: str = "partner"
    ) -> bytes:
        """A detached DER SignedData over exactly ``content`` (``-binary``: no canonicalisation)."""
        options = ["-keyopt", "rsa_padding_mode:pss"] if pss else []
        return self.run(
            "-sign",
            "-binary",
            "-outform",
            "DER",
            "-md",
            md,
            "-in",
            self.scratch(content),
            "-signer",
            self.path(f"{signer}.crt"),
            "-inkey",
            self.path(f"{signer}.key"),
            *options,
        ).stdout

    def encrypt(
        self,
        content: bytes,
        cipher: str,
        recipients: list[tuple[str, list[str]]],
        *,
        stream: bool = False,
    ) -> bytes:
        """An (Auth)EnvelopedData; each recipient is (name, -keyopt values for it)."""
        args: list[str | Path] = ["-encrypt", "-binary", "-outform", "DER", f"-{cipher}"]
        if stream:
            args.append("-stream")
        args += ["-in", self.scratch(content)]
        for name, keyopts in recipients:
            args += ["-recip", self.path(f"{name}.crt")]
            for option in keyopts:
                args += ["-keyopt", option]
        return self.run(*args).stdout

    def decrypt(self, envelope: bytes, *, recipient: str = "partner") -> bytes:
        return self.run(
            "-decrypt",
            "-binary",
            "-inform",
            "DER",
            "-in",
            self.scratch(envelope),
            "-recip",
            self.path(f"{recipient}.crt"),
            "-inkey",
            self.path(f"{recipient}.key"),
        ).stdout

    def verify_detached(
        self, signature: bytes, content: bytes, *, signer: str
    ) -> subprocess.CompletedProcess[bytes]:
        return self.run(
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            self.scratch(signature),
            "-content",
            self.scratch(content),
            "-CAfile",
            self.path(f"{signer}.crt"),
            "-out",
            self.directory / "verified.out",
            check=False,
        )

    def verify_smime(self, mime: bytes, *, signer: str) -> subprocess.CompletedProcess[bytes]:
        """Verify a whole multipart/signed MIME entity as OpenSSL's S/MIME reader parses it;
        stdout is the signed part. (Not ``-binary``: with it, OpenSSL's multipart reader
        rewrites the part's CRLFs as LFs before hashing.)"""
        return self.run(
            "-verify",
            "-inform",
            "SMIME",
            "-in",
            self.scratch(mime, ".eml"),
            "-CAfile",
            self.path(f"{signer}.crt"),
            check=False,
        )


def zlib_compressed_data(content: bytes) -> bytes:
    """RFC 3274 CompressedData built with asn1crypto + zlib (independent of ``as2``)."""
    return cms.ContentInfo(
        {
            "content_type": "compressed_data",
            "content": cms.CompressedData(
                {
                    "version": "v0",
                    "compression_algorithm": {"algorithm": "zlib"},
                    "encap_content_info": {
                        "content_type": "data",
                        "content": zlib.compress(content),
                    },
                }
            ),
        }
    ).dump()


def zlib_decompress_data(der: bytes) -> bytes:
    info = cms.ContentInfo.load(der)
    assert info["content_type"].native == "compressed_data"
    compressed = info["content"]
    assert compressed["compression_algorithm"]["algorithm"].native == "zlib"
    return zlib.decompress(compressed["encap_content_info"]["content"].native)


@pytest.fixture(scope="session")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="session")
def openssl(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> OpenSsl:
    if OPENSSL is None:
        pytest.skip("the openssl command is not installed")
    directory = tmp_path_factory.mktemp("openssl-peer")
    for name in ("ours", "ours_old", "partner", "partner_next", "stranger"):
        write_pem(getattr(pki, name), directory, name)
    return OpenSsl(directory)
