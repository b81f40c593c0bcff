"""Errors of the gateway's use cases (codes appear in message records and API bodies)."""

from __future__ import annotations

from gateway.domain.errors import PermanentError


class UnknownPartner(PermanentError):
    """No active profile names the envelope's sender → receiver pair."""

    code = "partners.unknown_sender"


class PartnerMismatch(PermanentError):
    """The envelope names another partner than the one the transport authenticated."""

    code = "partners.mismatch"


class GroupMismatch(PermanentError):
    """The ISA names the partner, but the GS names application ids its profile does not."""

    code = "partners.group_mismatch"


class PartnerSuspended(PermanentError):
    code = "partners.suspended"


class MessageNotFound(PermanentError):
    code = "messages.not_found"


class NotReplayable(PermanentError):
    code = "messages.not_replayable"
