"""Partner trading profiles (SPEC §4): the model, its JSON Schema, and YAML import/export.

A layer between ``gateway.ports`` and ``gateway.domain``: standard library, pydantic and
PyYAML only, so that the API, the console, the CLI and the store share one definition.
"""

from gateway.profiles.errors import Problem, ProfileError
from gateway.profiles.model import (
    EDIFACT_MESSAGES,
    PROFILE_SCHEMA_VERSION,
    X12_TRANSACTION_SETS,
    AckPolicy,
    ApiTransport,
    As2Transport,
    AuthorityRules,
    Contact,
    Delimiters,
    DocumentRule,
    DuplicatePolicy,
    EnvelopeId,
    GroupIds,
    HttpTransport,
    InterchangeIds,
    PartnerProfile,
    SftpInbound,
    SftpRemote,
    SftpTransport,
    ToleranceRules,
    Transports,
    ValidationProfile,
)
from gateway.profiles.schema import profile_json_schema, profile_json_schema_text
from gateway.profiles.yaml_io import (
    dump_profile,
    dump_profiles,
    load_profiles,
    load_profiles_text,
)

__all__ = [
    "EDIFACT_MESSAGES",
    "PROFILE_SCHEMA_VERSION",
    "X12_TRANSACTION_SETS",
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
    "Problem",
    "ProfileError",
    "SftpInbound",
    "SftpRemote",
    "SftpTransport",
    "ToleranceRules",
    "Transports",
    "ValidationProfile",
    "dump_profile",
    "dump_profiles",
    "load_profiles",
    "load_profiles_text",
    "profile_json_schema",
    "profile_json_schema_text",
]
