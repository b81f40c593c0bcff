"""Request and response bodies of the sandbox API, kept apart from its stored rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from erp_connector.sandbox.events import StoredEvent
from erp_connector.sandbox.faults import Faults
from erp_connector.sandbox.records import StoredRecord


class ErrorOut(BaseModel):
    error: str


class IntakeOut(BaseModel):
    id: str = Field(description="The record's id; the same for every repeat of one key")
    duplicate: bool = Field(description="True when the key was already stored")


class EmittedOut(IntakeOut):
    document_id: str
    event_id: str | None = Field(description="None for a duplicate: no second event")
    event_status: str | None


class BatchItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    idempotency_key: str = Field(min_length=1, max_length=255)
    document: dict[str, Any]


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[BatchItemIn] = Field(min_length=1, max_length=1000)


class BatchItemOut(BaseModel):
    status: int = Field(description="201 stored, 200 duplicate, 422 refused (not stored)")
    id: str | None = None
    duplicate: bool | None = None
    error: str | None = None


class BatchOut(BaseModel):
    results: list[BatchItemOut] = Field(description="One per document, in the order sent")


class RecordOut(BaseModel):
    id: str
    system: str
    kind: str
    idempotency_key: str
    business_number: str
    partner_id: str | None
    body: dict[str, Any]
    received_at: datetime
    sequence: int

    @classmethod
    def of(cls, record: StoredRecord) -> RecordOut:
        return cls.model_validate(record, from_attributes=True)


class RecordListOut(BaseModel):
    records: list[RecordOut]


class StatsOut(BaseModel):
    system: str
    total: int
    kinds: dict[str, int]
    last_sequence: int


class EventOut(BaseModel):
    id: str
    system: str
    kind: str
    record_id: str
    url: str | None
    status: str = Field(description="pending | delivered | failed | skipped")
    attempts: int
    response_status: int | None = Field(description="The gateway's last HTTP status")
    response: str | None = Field(description="The gateway's last answer, or the error")
    created_at: datetime
    updated_at: datetime
    payload: dict[str, Any]

    @classmethod
    def of(cls, stored: StoredEvent) -> EventOut:
        return cls.model_validate(stored, from_attributes=True)


class EventListOut(BaseModel):
    events: list[EventOut]


class FaultsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt switch must not pass silently

    latency_ms: int = Field(0, ge=0, le=600_000)
    status: int | None = Field(None, ge=400, le=599, description="429, 500, 503…")
    count: int | None = Field(None, ge=0, description="Calls to fail; null: until cleared")
    retry_after: int | None = Field(None, ge=0, description="Seconds, with a 429 or 503")
    timeout: bool = Field(False, description="Hang past any client timeout, then 504")

    def faults(self) -> Faults:
        return Faults(**self.model_dump())


class FaultsOut(FaultsIn):
    model_config = ConfigDict(extra="ignore")

    injected: int = Field(description="Failures served since the faults were set")

    @classmethod
    def of(cls, faults: Faults) -> FaultsOut:
        return cls.model_validate(faults, from_attributes=True)


class HealthOut(BaseModel):
    status: str = "ok"
