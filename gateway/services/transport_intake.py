"""What a file or message transport (SFTP, AS2) hands received bytes to.

Raw first (SPEC §1 invariant 1): the bytes are stored and the message recorded before
``accept`` returns, so the transport may answer its sender (close an SFTP upload,
send an MDN). Idempotent by the transport's id for what it received, so a file
offered again after a crash is the message it was the first time, processed once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from gateway.domain.tracking import Transport
from gateway.ports import Dispatcher, UnitOfWork
from gateway.services.errors import PartnerSuspended, UnknownPartner
from gateway.services.intake import Intake, Submission


class TransportIntake:
    """The SFTP server's and poller's sink (``sftp.Sink``), over ``Intake``."""

    def __init__(
        self,
        intake: Intake,
        dispatcher: Dispatcher,
        unit_of_work: Callable[[], UnitOfWork],
        transport: Transport,
    ) -> None:
        self._intake = intake
        self._dispatcher = dispatcher
        self._uow = unit_of_work
        self._transport = transport

    def accept(
        self, partner_id: str, filename: str, source: BinaryIO, transport_message_id: str
    ) -> str:
        """Store and record ``source`` from ``partner_id``; queue it for processing when
        it is new. Returns the message id (the earlier one for a repeat).

        Raises:
            UnknownPartner, PartnerSuspended: the transport authenticated someone the
                store no longer lets send (the file is refused, nothing is stored).
            PayloadTooLarge: past the size limit; nothing is kept.
        """
        with self._uow() as uow:
            partner = uow.partners.get(partner_id)
        if partner is None:
            raise UnknownPartner(f"no partner {partner_id}")
        if partner.profile.status == "suspended":
            raise PartnerSuspended(f"partner {partner_id} is suspended")
        submission = Submission(self._transport, transport_message_id, partner_id)
        record, new = self._intake.accept(source, submission)
        if new:
            # A crash before this leaves the message ``received``: the sweeper queues it.
            self._dispatcher.process_inbound(record.id)
        return record.id
