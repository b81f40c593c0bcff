"""How documents travel to and from one partner: AS2, SFTP (either side hosting) or our API.

Only settings a B2B analyst may keep in git belong here: identifiers, URLs, public keys
and certificates, algorithms, and *references* to secrets (``env:NAME``, ``file:/path``),
never the secrets themselves.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gateway.profiles._fields import (
    CONFIG as _CONFIG,
)
from gateway.profiles._fields import (
    HttpUrl,
    OpenSshPublicKey,
    SecretReference,
    Text,
    Violations,
)

_PEM_CERTIFICATE = ("-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----")


def _certificate(value: str) -> str:
    """PEM text (normalised to end with one newline) or a single-line path."""
    if "PRIVATE KEY" in value:
        raise ValueError("a private key must never be in a profile; give the partner's certificate")
    if "-----BEGIN" in value:
        if not all(marker in value for marker in _PEM_CERTIFICATE):
            raise ValueError("PEM text must be a whole certificate (BEGIN/END CERTIFICATE)")
        return value.strip() + "\n"
    path = value.strip()
    if not path or "\n" in path:
        raise ValueError("must be PEM certificate text or the path of a certificate file")
    return path


# RFC 4130 §6.2: AS2-From / AS2-To are 1 to 128 printable ASCII characters.
As2Id = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\x20-\x7e]{1,128}$")]
Certificate = Annotated[str, AfterValidator(_certificate)]
# POSIX portable user names (IEEE Std 1003.1, 3.437), as our SFTP server creates them.
Account = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9._-]{0,31}$")]
# A host name or an IP address; a URL, user@host or path here is a common paste mistake.
Host = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9._:\[\]-]{1,253}$")
]


class As2Transport(BaseModel):
    """The partner's AS2 station (RFC 4130): where to post, and the security it expects.

    ``partner_certificate`` is required but may be null, so that a profile says outright
    when the certificate is still to come.
    """

    model_config = _CONFIG

    as2_id: As2Id
    url: HttpUrl
    partner_certificate: Certificate | None
    """Their certificate (PEM text or a path): verifies their signatures, encrypts to them."""
    next_certificate: Certificate | None = None
    """During a rotation, their other certificate: either verifies; the first one still
    valid is the one we encrypt to."""
    require_signature: bool = True
    """Refuse their unsigned messages (MDN: insufficient-message-security)."""
    require_encryption: bool = True
    """Refuse their unencrypted messages (MDN: insufficient-message-security)."""
    sign: bool = True
    signing_algorithm: Literal["sha256", "sha384", "sha512", "sha224", "sha1"] = "sha256"
    signature_scheme: Literal["rsa-pkcs1v15", "rsa-pss"] = "rsa-pkcs1v15"
    encrypt: bool = True
    encryption_algorithm: Literal[
        "aes128_cbc",
        "aes192_cbc",
        "aes256_cbc",
        "aes128_gcm",
        "aes192_gcm",
        "aes256_gcm",
        "tripledes_cbc",
    ] = "aes256_cbc"
    key_transport: Literal["rsa-pkcs1v15", "rsa-oaep", "rsa-oaep-sha256"] = "rsa-pkcs1v15"
    compression: Literal["none", "before-signing", "after-signing"] = "none"
    mdn_mode: Literal["sync", "async", "none"] = "sync"
    mdn_signed: bool = True
    mdn_url: Annotated[HttpUrl | None, Field(validate_default=True)] = None
    """Where the partner posts asynchronous MDNs for what we send (our endpoint, as they
    reach it); required when ``mdn_mode`` is async."""

    # Field validators rather than model validators, here and on Transports: they run
    # even when another field failed, so every problem is reported in one pass.
    @field_validator("mdn_url")
    @classmethod
    def _async_mdn_needs_url(cls, mdn_url: str | None, info: ValidationInfo) -> str | None:
        if mdn_url is None and info.data.get("mdn_mode") == "async":
            raise ValueError("is required when mdn_mode is async")
        return mdn_url


class SftpInbound(BaseModel):
    """An account on our SFTP server where the partner drops and collects files.

    Key authentication only: passwords would have to live somewhere, public keys do not.
    """

    model_config = _CONFIG

    account: Account
    public_keys: Annotated[list[OpenSshPublicKey], Field(min_length=1)]
    """The partner's OpenSSH public keys (authorized_keys lines); at least one."""


class SftpRemote(BaseModel):
    """The partner's SFTP server, which we poll for their files and push ours to.

    ``host_key`` is required because we never accept an unknown host key (STYLE.md:
    RejectPolicy, pinned keys); ``credentials`` names where the secret lives.
    """

    model_config = _CONFIG

    host: Host
    port: Annotated[int, Field(ge=1, le=65535)] = 22
    username: Text
    host_key: OpenSshPublicKey
    credentials: SecretReference
    """``file:/path`` names our private key file; ``env:NAME`` holds our password."""
    poll_path: Text | None = None
    """Where the partner leaves files for us (None: we do not poll)."""
    push_path: Text | None = None
    """Where we leave files for the partner (None: we do not push)."""
    poll_interval_seconds: Annotated[int, Field(gt=0)] = 300
    after_download: Literal["archive", "delete"] = "archive"
    """What happens to a polled file on their server once its bytes are stored here."""
    archive_path: Text = "archive"
    """Where polled files go on their server when ``after_download`` is archive."""


class SftpTransport(BaseModel):
    """SFTP either way round: the partner on our server, we on theirs, or both."""

    model_config = _CONFIG

    inbound: SftpInbound | None = None
    remote: SftpRemote | None = None

    @model_validator(mode="after")
    def _needs_one_side(self) -> Self:
        violations = Violations()
        if self.inbound is None and self.remote is None:
            violations.add((), "needs an inbound account, a remote server or both")
        violations.raise_if_any(type(self).__name__)
        return self


class ApiTransport(BaseModel):
    """Documents posted to our HTTP API with the partner's key (issued, not stored here)."""

    model_config = _CONFIG

    enabled: bool = True


class HttpTransport(BaseModel):
    """Our outbound documents POSTed to the partner's HTTPS endpoint (their own EDI
    intake, or a VAN's), the raw EDI as the body."""

    model_config = _CONFIG

    url: HttpUrl
    api_key: SecretReference | None = None
    """Where the key they gave us lives (env:NAME or file:/path), sent in ``api_key_header``."""
    api_key_header: Text = "X-API-Key"


class Transports(BaseModel):
    """Every channel the partner may use inbound, and the one that carries our outbound."""

    model_config = _CONFIG

    as2: As2Transport | None = None
    sftp: SftpTransport | None = None
    api: ApiTransport = ApiTransport()
    http: HttpTransport | None = None
    outbound: Literal["as2", "sftp", "api", "http"] | None = None
    """Which configured transport carries our outbound documents (None: we send none)."""

    @field_validator("outbound")
    @classmethod
    def _outbound_is_configured(cls, outbound: str | None, info: ValidationInfo) -> str | None:
        # A transport that failed validation is missing from info.data: say nothing
        # more about it than its own problems.
        configured = {
            "as2": info.data.get("as2", ...) is not None,
            "sftp": info.data.get("sftp", ...) is not None,
            "api": getattr(info.data.get("api"), "enabled", True),
            "http": info.data.get("http", ...) is not None,
        }
        if outbound is not None and not configured[outbound]:
            raise ValueError(f"names {outbound}, which is not configured for this partner")
        return outbound
