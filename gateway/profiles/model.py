"""The partner trading profile (SPEC §4): who a partner is, what they exchange, and how.

A profile is data a B2B team keeps in git as YAML and edits through the API, so every
model is frozen (a loaded profile cannot drift from its file) and refuses unknown keys
(a typo is an error, not a silently ignored setting). Rules that need the standard or
version are checked on :class:`PartnerProfile` and reported at the field they concern.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gateway.profiles._fields import CONFIG as _CONFIG
from gateway.profiles._fields import EnvelopeIdText, Name, QualifierText, Text, Violations
from gateway.profiles.transports import (
    ApiTransport,
    As2Transport,
    HttpTransport,
    SftpInbound,
    SftpRemote,
    SftpTransport,
    Transports,
)
from gateway.profiles.workflow import AuthorityRules, ToleranceRules

PROFILE_SCHEMA_VERSION = "1"

X12_TRANSACTION_SETS = ("850", "855", "856", "810", "997", "999")
EDIFACT_MESSAGES = ("ORDERS", "ORDRSP", "DESADV", "INVOIC", "CONTRL")
X12_VERSION = r"^00[3-9]\d{3}$"
EDIFACT_DIRECTORY = r"^D\d{2}[A-C]$"
# 999 (implementation acknowledgement) exists from 005010 on.
FIRST_999_VERSION = "005010"

Direction = Literal["inbound", "outbound"]


def _delimiter(value: str) -> str:
    # Control characters stay allowed: partners do use GS/RS/US (0x1D-0x1F) and
    # line feeds as separators, written in YAML as "\x1d" or "\n".
    if value.isalnum() or value == " ":
        raise ValueError("must not be a letter, a digit or a space: data would collide")
    return value


Delimiter = Annotated[
    str, StringConstraints(min_length=1, max_length=1), AfterValidator(_delimiter)
]


def _transaction_set(value: str) -> str:
    if value not in X12_TRANSACTION_SETS + EDIFACT_MESSAGES:
        known = ", ".join(X12_TRANSACTION_SETS + EDIFACT_MESSAGES)
        raise ValueError(f"unknown transaction set {value!r}; expected one of {known}")
    return value


class EnvelopeId(BaseModel):
    """An interchange party: ISA05/06 or ISA07/08, UNB 0004/0007 or 0010/0007."""

    model_config = _CONFIG

    qualifier: QualifierText | None = None
    """X12: exactly two characters (01, 08, 12, 14, ZZ…). EDIFACT: 1–4, optional."""
    id: EnvelopeIdText
    """X12: at most 15 characters (ISA pads it); EDIFACT: at most 35."""


class InterchangeIds(BaseModel):
    """Both ends of the interchange envelope, the partner's and ours."""

    model_config = _CONFIG

    partner: EnvelopeId
    ours: EnvelopeId


class GroupIds(BaseModel):
    """Application sender/receiver codes of the group (X12 GS02/GS03, EDIFACT UNG)."""

    model_config = _CONFIG

    partner: Annotated[Text, StringConstraints(max_length=35)]
    ours: Annotated[Text, StringConstraints(max_length=35)]


class Delimiters(BaseModel):
    """Separators for the documents we send; inbound ones are read from the envelope."""

    model_config = _CONFIG

    element: Delimiter
    component: Delimiter
    segment: Delimiter
    repetition: Delimiter | None = None
    """X12 ISA11 (004020 on) or EDIFACT syntax 4 UNA."""
    release: Delimiter | None = None
    """EDIFACT release character (UNA, usually ``?``); X12 has none."""
    decimal: Delimiter | None = None
    """EDIFACT decimal mark (``.`` or ``,``); X12 has none."""

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        violations = Violations()
        seen: dict[str, str] = {}
        for name in ("element", "component", "segment", "repetition", "release", "decimal"):
            value = getattr(self, name)
            if value is None:
                continue
            if value in seen:
                violations.add((name,), f"{value!r} is already the {seen[value]} delimiter", value)
            seen.setdefault(value, name)
        if self.decimal not in (None, ".", ","):
            violations.add(("decimal",), "the decimal mark is '.' or ','", self.decimal)
        violations.raise_if_any(type(self).__name__)
        return self


class DocumentRule(BaseModel):
    """One kind of document the partner exchanges with us, and the map that translates it."""

    model_config = _CONFIG

    direction: Direction
    transaction_set: Annotated[
        str,
        AfterValidator(_transaction_set),
        Field(json_schema_extra={"enum": [*X12_TRANSACTION_SETS, *EDIFACT_MESSAGES]}),
    ]
    """X12 transaction set (850…) or EDIFACT message (ORDERS…) of the profile's standard."""
    map: Text | None = None
    """A partner-specific map name; None uses the standard map for the set and version."""


class AckPolicy(BaseModel):
    """Which acknowledgements we send, and how long we wait for the partner's."""

    model_config = _CONFIG

    functional: Literal["auto", "997", "999", "contrl", "none"] = "auto"
    """Functional ack we send for inbound groups; auto: 997 for X12 (999 for groups of
    005010 and later), CONTRL for EDIFACT."""
    ta1: Literal["auto", "always", "on_error", "never"] = "auto"
    """X12 TA1; auto: when ISA14 asks for one or the interchange envelope is bad;
    on_error: only when the envelope is bad, whatever ISA14 says."""
    contrl: Literal["always", "auto", "never"] = "always"
    """EDIFACT CONTRL; auto: when UNB 0031 asks for one or the interchange is rejected."""
    expect_within_minutes: Annotated[int, Field(gt=0)] | None = 60
    """How long we wait for the partner's 997/CONTRL to our outbound (None: never overdue)."""


class ValidationProfile(BaseModel):
    """How strictly we judge what the partner sends (moov-io ``ValidateOpts`` per caller)."""

    model_config = _CONFIG

    unsupported_sets: Literal["envelope_only", "reject"] = "envelope_only"
    """A set we have no definition for: check only its envelope, or reject it in the ack."""
    max_set_segments: Annotated[int, Field(gt=0)] = 1_000_000
    """A set longer than this is rejected, bounding memory for one runaway document."""


class DuplicatePolicy(BaseModel):
    """When a repeated interchange control number is a duplicate, and what we do about it."""

    model_config = _CONFIG

    window_days: Annotated[int, Field(gt=0)] = 30
    """An interchange control number seen again from the same sender to the same receiver
    within this many days is a duplicate (SPEC §1, invariant 3)."""
    acknowledge: bool = True
    """Send the acknowledgement again for a duplicate, since the partner may have lost it."""


class Contact(BaseModel):
    """A person to call about this partner's documents."""

    model_config = _CONFIG

    name: Name
    email: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    ]
    role: Text | None = None


DocumentKind = Literal[
    "purchase_order", "po_acknowledgement", "ship_notice", "invoice", "receipt",
    "inventory_adjustment",
]  # fmt: skip
System = Literal["erp", "wms"]
DEFAULT_ROUTING: dict[DocumentKind, list[System]] = {
    "purchase_order": ["erp"],
    "po_acknowledgement": ["erp"],
    "ship_notice": ["erp", "wms"],  # the ERP tracks the ASN, the WMS expects the receipt
    "invoice": ["erp"],
    # What the WMS reports goes to the ERP, which keeps inventory and matches invoices.
    "receipt": ["erp"],
    "inventory_adjustment": ["erp"],
}


class PartnerProfile(BaseModel):
    """Everything the gateway needs to trade with one partner (SPEC §4)."""

    model_config = _CONFIG

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$")]
    """Our stable slug for the partner: URLs, file names, logs and exception routing."""
    name: Name
    status: Literal["active", "testing", "suspended"] = "active"
    standard: Literal["x12", "edifact"]
    version: Annotated[str, StringConstraints(pattern=r"^(00[3-9]\d{3}|D\d{2}[A-C])$")]
    """X12 version (004010, 005010) or EDIFACT directory (D96A, D01B)."""
    syntax: Annotated[str, StringConstraints(pattern=r"^UNO[A-Z]:[1-4]$")] | None = None
    """EDIFACT syntax identifier and version for UNB 0001/0002 (UNOA:3, UNOC:4)."""
    usage: Literal["T", "P"] = "P"
    """Test or production (ISA15 / UNB 0035)."""
    interchange: InterchangeIds
    group: Annotated[GroupIds | None, Field(validate_default=True)] = None
    """Required for X12 (GS02/GS03); EDIFACT uses UNG only when given."""
    delimiters: Delimiters | None = None
    """For outbound; None uses the standard defaults."""
    documents: list[DocumentRule] = []
    acks: AckPolicy = AckPolicy()
    validation: ValidationProfile = ValidationProfile()
    duplicates: DuplicatePolicy = DuplicatePolicy()
    transports: Transports = Transports()
    contacts: list[Contact] = []
    exception_owners: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], Text
    ] = {}
    """Who settles this partner's exceptions (SPEC §5). An owner role (procurement,
    warehouse, finance, b2b) → the person or team it goes to (``procurement:
    buyers@example.com``); a discrepancy kind (``receipt_shortage``, ``invoice_price``…)
    → the owner role it goes to instead of the rule's (``invoice_price: procurement``), or
    straight to a person."""
    tolerances: ToleranceRules = ToleranceRules()
    """How far the partner's figures may stray from ours before an exception (SPEC §5)."""
    authority: AuthorityRules = AuthorityRules()
    """Which system owns which data: what a document may change and what it is held for."""
    routing: dict[DocumentKind, list[System]] = DEFAULT_ROUTING
    """Canonical kind → the systems of record that receive it; kinds not named go
    nowhere (a functional ack is reconciled, not delivered)."""

    # Rules that depend on the standard are field validators, not one model validator:
    # pydantic runs them for every field that parsed, so a bad ``delimiters`` does not
    # hide a bad ``acks`` (all problems of a file at once). ``info.data`` holds the
    # earlier fields that parsed; a rule is skipped when what it needs did not.
    @field_validator("version", "syntax", "interchange", "group", "delimiters", "documents", "acks")
    @classmethod
    def _standard_rules(cls, value: Any, info: ValidationInfo) -> Any:
        standard = info.data.get("standard")
        check = _RULES.get((standard, info.field_name or ""))
        if check is not None:
            violations = Violations()
            check(value, info.data, violations)
            violations.raise_if_any(cls.__name__)
        return value

    def sender_key(self) -> tuple[str, str, str]:
        """``(standard, qualifier or "", id)`` of the partner: how inbound envelopes find us."""
        partner = self.interchange.partner
        return (self.standard, partner.qualifier or "", partner.id)

    def receiver_key(self) -> tuple[str, str, str]:
        """``(standard, qualifier or "", id)`` of our side of this partnership."""
        ours = self.interchange.ours
        return (self.standard, ours.qualifier or "", ours.id)

    def exchanges(self, direction: Direction, transaction_set: str) -> bool:
        """Whether the profile lists ``transaction_set`` in ``direction``."""
        return any(
            rule.direction == direction and rule.transaction_set == transaction_set
            for rule in self.documents
        )


def _x12_version(version: str, _: dict[str, Any], violations: Violations) -> None:
    if not _matches(X12_VERSION, version):
        violations.add((), "an X12 version looks like 004010 or 005010", version)


def _edifact_version(version: str, _: dict[str, Any], violations: Violations) -> None:
    if not _matches(EDIFACT_DIRECTORY, version):
        violations.add((), "an EDIFACT version is a directory such as D96A or D01B", version)


def _x12_syntax(syntax: str | None, _: dict[str, Any], violations: Violations) -> None:
    if syntax is not None:
        violations.add((), "is for EDIFACT; X12 partners have none", syntax)


def _x12_interchange(ids: InterchangeIds, _: dict[str, Any], violations: Violations) -> None:
    for side, envelope_id in (("partner", ids.partner), ("ours", ids.ours)):
        if envelope_id.qualifier is None or len(envelope_id.qualifier) != 2:
            message = "X12 needs a two-character qualifier (ISA05/ISA07), e.g. 01, 12 or ZZ"
            violations.add((side, "qualifier"), message, envelope_id.qualifier)
        if len(envelope_id.id) > 15:
            violations.add((side, "id"), "X12 interchange ids are at most 15 characters")


def _x12_group(group: GroupIds | None, _: dict[str, Any], violations: Violations) -> None:
    if group is None:
        violations.add((), "X12 needs group ids (GS02/GS03): add group with partner and ours")
        return
    for side, value in (("partner", group.partner), ("ours", group.ours)):
        if not 2 <= len(value) <= 15:
            violations.add((side,), "X12 group ids are 2 to 15 characters", value)


def _x12_delimiters(delimiters: Delimiters | None, _: dict[str, Any], v: Violations) -> None:
    if delimiters is not None:
        for name in ("release", "decimal"):
            if getattr(delimiters, name) is not None:
                v.add((name,), "X12 has no such delimiter; leave it out")


def _x12_acks(acks: AckPolicy, data: dict[str, Any], violations: Violations) -> None:
    version = data.get("version")
    if acks.functional == "contrl":
        violations.add(("functional",), "CONTRL is EDIFACT's; X12 sends 997 or 999")
    elif acks.functional == "999" and version is not None and version < FIRST_999_VERSION:
        message = f"999 exists from {FIRST_999_VERSION} on; this partner is on {version}"
        violations.add(("functional",), message, acks.functional)


def _edifact_acks(acks: AckPolicy, _: dict[str, Any], violations: Violations) -> None:
    if acks.functional in ("997", "999"):
        message = f"{acks.functional} is X12's; EDIFACT sends CONTRL"
        violations.add(("functional",), message, acks.functional)


def _documents(rules: list[DocumentRule], data: dict[str, Any], violations: Violations) -> None:
    standard = data["standard"]
    allowed = X12_TRANSACTION_SETS if standard == "x12" else EDIFACT_MESSAGES
    first_at: dict[tuple[str, str], int] = {}
    for index, rule in enumerate(rules):
        if rule.transaction_set not in allowed:
            message = f"is not {standard}: expected one of {', '.join(allowed)}"
            violations.add((index, "transaction_set"), message, rule.transaction_set)
        key = (rule.direction, rule.transaction_set)
        if key in first_at:
            again = f"{rule.direction} {rule.transaction_set}"
            violations.add((index,), f"{again} is already listed at documents[{first_at[key]}]")
        first_at.setdefault(key, index)


_Rule = Callable[[Any, dict[str, Any], Violations], None]
# (standard, field) → the rule for that field; ``group`` is validated even when absent
# (``validate_default``) so that a missing X12 group is reported.
_RULES: dict[tuple[str | None, str], _Rule] = {
    ("x12", "version"): _x12_version,
    ("x12", "syntax"): _x12_syntax,
    ("x12", "interchange"): _x12_interchange,
    ("x12", "group"): _x12_group,
    ("x12", "delimiters"): _x12_delimiters,
    ("x12", "acks"): _x12_acks,
    ("x12", "documents"): _documents,
    ("edifact", "version"): _edifact_version,
    ("edifact", "acks"): _edifact_acks,
    ("edifact", "documents"): _documents,
}


def _matches(pattern: str, value: str) -> bool:
    return re.match(pattern, value) is not None


__all__ = [
    "EDIFACT_DIRECTORY",
    "EDIFACT_MESSAGES",
    "FIRST_999_VERSION",
    "PROFILE_SCHEMA_VERSION",
    "X12_TRANSACTION_SETS",
    "X12_VERSION",
    "AckPolicy",
    "ApiTransport",
    "As2Transport",
    "AuthorityRules",
    "Contact",
    "Delimiters",
    "DocumentRule",
    "DuplicatePolicy",
    "EnvelopeId",
    "GroupIds",
    "HttpTransport",
    "InterchangeIds",
    "PartnerProfile",
    "SftpInbound",
    "SftpRemote",
    "SftpTransport",
    "ToleranceRules",
    "Transports",
    "ValidationProfile",
]
