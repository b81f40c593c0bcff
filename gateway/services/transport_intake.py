"""What a file or message transport (SFTP, AS2) hands received bytes to.

Raw first (SPEC §1 invariant 1): the bytes are stored and the message recorded before
``accept`` returns, so the transport may answer its sender (close an SFTP upload,
send an MDN). Idempotent by the transport's id for what it received, so a file
offered again after a crash is the message it was the first time, processed once.

Queueing the message is not part of taking it in: once it is recorded, a broker that
does not take the task (``BrokerUnavailable``) changes nothing for the sender, who is
told it was received; the sweeper (``gateway.services.sweep.resume_stalled``) queues
every message left ``received``. Refusing it instead would make the sender send it
again for nothing, and a sender whose retry is not recognised (a new file name) would
make a second message of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import BinaryIO

from gateway.domain.errors import BrokerUnavailable
from gateway.domain.tracking import Transport
from gateway.ports import Dispatcher, UnitOfWork
from gateway.services.errors import PartnerSuspended, UnknownPartner
from gateway.services.intake import Intake, Submission

log = logging.getLogger(__name__)


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
            StoreUnavailable, PayloadStoreFull, PayloadStoreUnavailable: the database or
                the payload disk failed; nothing is recorded, the same file may be
                offered again later.
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
            queue_or_leave_to_sweeper(self._dispatcher, record.id)
        return record.id


def queue_or_leave_to_sweeper(dispatcher: Dispatcher, message_id: str) -> bool:
    """Queue a recorded message for processing; a broker that does not take it leaves it
    ``received`` for the sweeper (as a crash right before this would). Returns whether it
    was queued."""
    try:
        dispatcher.process_inbound(message_id)
    except BrokerUnavailable as error:
        log.warning("message %s kept, to be queued by the sweeper: %s", message_id, error)
        return False
    return True
