"""One database transaction with the repositories that work inside it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.exc import TimeoutError as PoolTimeout

from gateway.domain.errors import StoreUnavailable
from gateway.persistence.api_keys_repo import ApiKeyRepository
from gateway.persistence.deliveries_repo import DeliveryRepository
from gateway.persistence.exceptions_repo import ExceptionRepository
from gateway.persistence.interchanges_repo import InboundInterchangeRepository
from gateway.persistence.item_master_repo import ItemMasterRepository
from gateway.persistence.messages_repo import MessageRepository
from gateway.persistence.monitoring_repo import MonitoringRepository
from gateway.persistence.partners_repo import PartnerRepository
from gateway.persistence.workflow_repo import WorkflowRepository


class SqlUnitOfWork:
    """``with uow: …; uow.commit()`` — leaving the block without commit rolls back.

    On SQLite a unit of work holds the database's write lock from its start (BEGIN
    IMMEDIATE): open no other connection while it is open (the control-number
    allocator is one), or it waits for itself.

    The engine raises ``StoreUnavailable`` for a database that is down or failing
    (``gateway.persistence.database.translate_errors``); so does entering when every
    pooled connection stays busy past the pool's timeout.
    """

    messages: MessageRepository
    partners: PartnerRepository
    interchanges: InboundInterchangeRepository
    api_keys: ApiKeyRepository
    deliveries: DeliveryRepository
    exceptions: ExceptionRepository
    workflow: WorkflowRepository
    items: ItemMasterRepository
    activity: MonitoringRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._transaction: Transaction | None = None

    def __enter__(self) -> SqlUnitOfWork:
        try:
            self._connection = self._engine.connect()
        except PoolTimeout as error:  # not a DBAPI error: the engine's hook never sees it
            raise StoreUnavailable("every database connection is busy; try again later") from error
        try:
            self._transaction = self._connection.begin()
        except BaseException:
            self._connection.close()
            self._connection = None
            raise
        self.messages = MessageRepository(self._connection)
        self.partners = PartnerRepository(self._connection)
        self.interchanges = InboundInterchangeRepository(self._connection)
        self.api_keys = ApiKeyRepository(self._connection)
        self.deliveries = DeliveryRepository(self._connection)
        self.exceptions = ExceptionRepository(self._connection)
        self.workflow = WorkflowRepository(self._connection)
        self.items = ItemMasterRepository(self._connection)
        self.activity = MonitoringRepository(self._connection, self.messages.flush)
        return self

    def commit(self) -> None:
        assert self._connection is not None and self._transaction is not None
        self.messages.flush()
        self._transaction.commit()
        self._transaction = self._connection.begin()

    def rollback(self) -> None:
        assert self._connection is not None and self._transaction is not None
        self.messages.discard()
        self._transaction.rollback()
        self._transaction = self._connection.begin()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()
        self._connection.close()
        self._connection = None
