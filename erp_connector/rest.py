"""The connectors: canonical JSON to ``/documents/{kind}``, or IDoc XML to ``/idoc``.

Every call takes the same path (``HttpConnector._call``): wait for a rate-limit
slot → ask the circuit breaker → send with the ``Idempotency-Key`` header and the
configured timeout → classify the answer → read it. The idempotency key is what
makes a task that runs twice harmless (SPEC §1 invariant 2): the system answers
the repeat with the record it already has (``duplicate``), so a retry after a lost
answer is always safe.

Measured on this 2-core machine class: the connector's own work is ~0.33 ms of CPU
per JSON delivery and ~0.64 ms per IDoc delivery (building the XML with lxml is
~0.2 ms of it), against 6–7 ms for a round trip to the sandbox on localhost (one
thread, ~150 deliveries/s). The network and the system set the pace, not this code.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx

from erp_connector.auth import auth_from_settings
from erp_connector.errors import classify, map_httpx_errors
from erp_connector.idoc import build_idoc
from erp_connector.idoc_layout import IDOC_TYPES
from erp_connector.limits import CircuitBreaker, RateLimiter
from erp_connector.templates import TemplateRegistry, default_templates
from gateway.canonical import ItemIds, Kind
from gateway.domain.delivery import DeliveryReceipt, DeliveryRejected, DeliveryUnavailable
from gateway.domain.errors import GatewayError
from gateway.domain.workflow.cross_reference import MasterItem
from gateway.settings import SystemSettings

T = TypeVar("T")
USER_AGENT = "crossdock-connector/1"
_KINDS = frozenset(kind.value for kind in Kind)


class HttpConnector(ABC):
    """What both connectors share; a subclass only says how a document is encoded.

    Args:
        system: the name routing uses ("erp", "wms").
        settings: URL, auth, rate and timeout of the system.
        client: the HTTP client (tests pass one on ``httpx.MockTransport``); the
            connector owns it and closes it in ``close``. A new one when None.
        auth: how requests are signed; from ``settings`` when None.
        limiter: the rate limit; ``settings.rate_per_second`` when None.
        breaker: the circuit breaker; 5 failures, 30 s cool-down when None.
    """

    def __init__(
        self,
        system: str,
        settings: SystemSettings,
        *,
        client: httpx.Client | None = None,
        auth: httpx.Auth | None = None,
        limiter: RateLimiter | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._system = system
        self._settings = settings
        self._base = settings.url.rstrip("/")
        self._client = client or httpx.Client(headers={"User-Agent": USER_AGENT})
        # httpx.Auth() signs nothing: a system without credentials (a test stand-in)
        self._auth = auth or auth_from_settings(settings, self._client) or httpx.Auth()
        self._limiter = limiter or RateLimiter(settings.rate_per_second)
        self._breaker = breaker or CircuitBreaker(name=system)
        self._timeout = httpx.Timeout(settings.timeout_seconds)

    @property
    def system(self) -> str:
        return self._system

    def deliver(self, document: Mapping[str, Any], idempotency_key: str) -> DeliveryReceipt:
        """Send one canonical document; the same key again gives ``duplicate=True``.

        Raises:
            DeliveryUnavailable: the system is down, slow, busy or throttling us.
            DeliveryRejected: the system (or the encoding) refused the document.
        """
        if not idempotency_key:
            raise DeliveryRejected("no idempotency key", code="delivery.bad_document")
        kind = _kind_of(document)
        path, content, content_type = self._encode(kind, document)
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": content_type}
        return self._call("POST", path, self._receipt, content=content, headers=headers)

    def deliver_many(
        self, items: Sequence[tuple[Mapping[str, Any], str]]
    ) -> list[DeliveryReceipt | GatewayError]:
        """One answer per (document, key), in order. Without a batch endpoint: one call
        each, and once the system is unavailable the rest get that error without a call
        (a system that is down is not asked again forty-nine times)."""
        answers: list[DeliveryReceipt | GatewayError] = []
        for document, key in items:
            if answers and isinstance(answers[-1], DeliveryUnavailable):
                answers.append(answers[-1])
                continue
            try:
                answers.append(self.deliver(document, key))
            except GatewayError as error:
                answers.append(error)
        return answers

    def fetch(self, kind: str, external_id: str) -> Mapping[str, Any] | None:
        """The system's record of a document it holds, None when it answers 404."""
        if kind not in _KINDS:
            raise DeliveryRejected(f"unknown kind {kind!r}", code="delivery.bad_document")
        path = f"/documents/{self._filed_as(kind)}/{quote(external_id, safe='')}"
        return self._call("GET", path, self._record, missing_ok=True)

    def items(self) -> list[MasterItem]:
        """The item master, page by page from ``GET {url}/items?offset=N``
        (``{"items": [{item_key, buyer_item, vendor_item, gtin, upc, description}],
        "next_offset": N | null}``); a system that answers 404 keeps none.

        Raises:
            DeliveryUnavailable: the system is away or answered something unreadable.
        """
        found: list[MasterItem] = []
        offset: int | None = 0
        while offset is not None:
            page = self._call("GET", f"/items?offset={offset}", self._record, missing_ok=True)
            if page is None:
                return found
            found += [_master_item(self._system, entry) for entry in page.get("items") or []]
            following = page.get("next_offset")
            if following is not None and (not isinstance(following, int) or following <= offset):
                raise DeliveryUnavailable(
                    f"{self._system} answered an item page with a bad next_offset",
                    code="delivery.bad_answer",
                )
            offset = following
        return found

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _filed_as(self, kind: str) -> str:
        """The kind under which the system keeps what we deliver for ``kind``."""
        return kind

    @abstractmethod
    def _encode(self, kind: str, document: Mapping[str, Any]) -> tuple[str, bytes, str]:
        """The path, body and content type that deliver ``document``."""

    def _call(
        self,
        method: str,
        path: str,
        read: Callable[[httpx.Response], T],
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        missing_ok: bool = False,
    ) -> T:
        # A slot further away than the request timeout goes back to the queue as a
        # retry: a worker thread asleep in our limiter serves nobody.
        self._limiter.acquire(max_wait=self._settings.timeout_seconds)

        def attempt() -> T:
            with map_httpx_errors(self._system):
                response = self._client.request(
                    method,
                    self._base + path,
                    content=content,
                    headers=headers,
                    auth=self._auth,
                    timeout=self._timeout,
                )
            if not (missing_ok and response.status_code == 404):
                classify(response, self._system)
            return read(response)  # inside the breaker: an unreadable answer is a failure

        return self._breaker.call(attempt)

    def _receipt(self, response: httpx.Response) -> DeliveryReceipt:
        answer = _json(response)
        external = answer.get("id") if isinstance(answer, dict) else None
        if isinstance(external, int) and not isinstance(external, bool):
            external = str(external)
        if not isinstance(external, str) or not external:
            # It may have stored the document: a retry with the same key finds out safely.
            raise DeliveryUnavailable(
                f"{self._system} answered HTTP {response.status_code} without a document id",
                code="delivery.bad_answer",
            )
        assert isinstance(answer, dict)
        return DeliveryReceipt(self._system, external, duplicate=answer.get("duplicate") is True)

    def _record(self, response: httpx.Response) -> Mapping[str, Any] | None:
        if response.status_code == 404:
            return None
        answer = _json(response)
        if not isinstance(answer, dict):
            raise DeliveryUnavailable(
                f"{self._system} answered a fetch with something other than a JSON object",
                code="delivery.bad_answer",
            )
        return answer


class RestConnector(HttpConnector):
    """Canonical JSON (or a kind's template) to ``POST {url}/documents/{kind}``;
    a template may file its output under another kind, for delivery and fetch alike
    (a WMS: ship_notice → ``/documents/expected_receipt``).

    Takes the arguments of ``HttpConnector``, and:

    Args:
        templates: which payload each kind gets; ``default_templates(system)`` when
            None (a WMS gets expected receipts for ship notices).
    """

    def __init__(
        self,
        system: str,
        settings: SystemSettings,
        *,
        client: httpx.Client | None = None,
        auth: httpx.Auth | None = None,
        limiter: RateLimiter | None = None,
        breaker: CircuitBreaker | None = None,
        templates: TemplateRegistry | None = None,
    ) -> None:
        super().__init__(
            system, settings, client=client, auth=auth, limiter=limiter, breaker=breaker
        )
        self._templates = templates or default_templates(system)

    def _encode(self, kind: str, document: Mapping[str, Any]) -> tuple[str, bytes, str]:
        payload = self._templates.render(document)
        try:
            content = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:  # not JSON: not a contract-v1 document
            raise DeliveryRejected(
                f"{kind} cannot be sent as JSON: {exc}", code="delivery.bad_document"
            ) from exc
        return f"/documents/{self._filed_as(kind)}", content.encode("utf-8"), "application/json"

    def _filed_as(self, kind: str) -> str:
        return self._templates.posted_as(kind)

    def deliver_many(
        self, items: Sequence[tuple[Mapping[str, Any], str]]
    ) -> list[DeliveryReceipt | GatewayError]:
        """Through the batch endpoint when the settings name one (chunks of
        ``batch_size``); a document that cannot be encoded is refused on its own."""
        path = self._settings.batch_path
        if path is None:
            return super().deliver_many(items)
        answers: list[DeliveryReceipt | GatewayError] = []
        size = self._settings.batch_size
        for start in range(0, len(items), size):
            answers.extend(self._batch(path, items[start : start + size]))
        return answers

    def _batch(
        self, path: str, items: Sequence[tuple[Mapping[str, Any], str]]
    ) -> list[DeliveryReceipt | GatewayError]:
        answers: list[DeliveryReceipt | GatewayError | None] = []
        sent: list[dict[str, Any]] = []
        for document, key in items:
            try:
                if not key:
                    raise DeliveryRejected("no idempotency key", code="delivery.bad_document")
                kind = self._filed_as(_kind_of(document))
                sent.append(
                    {
                        "kind": kind,
                        "idempotency_key": key,
                        "document": self._templates.render(document),
                    }
                )
                answers.append(None)
            except GatewayError as error:
                answers.append(error)
        if not sent:
            return [a for a in answers if a is not None]
        try:
            content = json.dumps({"documents": sent}, ensure_ascii=False, separators=(",", ":"))
            results = self._call(
                "POST",
                path,
                _batch_results,
                content=content.encode("utf-8"),
                headers={"Content-Type": "application/json"},
            )
        except (TypeError, ValueError) as exc:
            refused = DeliveryRejected(f"not JSON: {exc}", code="delivery.bad_document")
            results = [refused] * len(sent)
        except GatewayError as failure:
            results = [failure] * len(sent)
        if len(results) != len(sent):
            garbled = DeliveryUnavailable(
                f"{self.system} answered {len(results)} results for {len(sent)} documents",
                code="delivery.bad_answer",
            )
            results = [garbled] * len(sent)
        given = iter(results)
        return [a if a is not None else _receipt_of(self.system, next(given)) for a in answers]


class IdocConnector(HttpConnector):
    """IDoc-style XML to ``POST {url}/idoc``; kinds without an IDoc type are refused
    before any call."""

    def _encode(self, kind: str, document: Mapping[str, Any]) -> tuple[str, bytes, str]:
        if kind not in IDOC_TYPES:
            raise DeliveryRejected(
                f"{self.system} takes IDocs, and there is no IDoc type for {kind}",
                code="delivery.idoc.unsupported_kind",
            )
        return "/idoc", build_idoc(document, receiver=self.system.upper()), "application/xml"


def _master_item(system: str, entry: Any) -> MasterItem:
    def text(name: str) -> str | None:
        value = entry.get(name)
        if value is None:
            return None
        return str(value).strip() or None

    key = text("item_key") if isinstance(entry, dict) else None
    if key is None:
        raise DeliveryUnavailable(
            f"{system} listed an item without an item_key", code="delivery.bad_answer"
        )
    ids = ItemIds(
        buyer_item=text("buyer_item"),
        vendor_item=text("vendor_item"),
        gtin=text("gtin"),
        upc=text("upc"),
        description=text("description"),
    )
    return MasterItem(key, ids)


def _kind_of(document: Mapping[str, Any]) -> str:
    meta = document.get("meta")
    kind = meta.get("kind") if isinstance(meta, Mapping) else None
    if not isinstance(kind, str) or kind not in _KINDS:
        raise DeliveryRejected(
            f"not a canonical document: meta.kind is {kind!r}", code="delivery.bad_document"
        )
    return kind


def _batch_results(response: httpx.Response) -> list[Any]:
    answer = _json(response)
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise DeliveryUnavailable(
            f"batch answer without results (HTTP {response.status_code})",
            code="delivery.bad_answer",
        )
    return results


def _receipt_of(system: str, result: Any) -> DeliveryReceipt | GatewayError:
    """One item of a batch answer: stored (201), a duplicate (200) or refused."""
    if isinstance(result, GatewayError):
        return result
    if not isinstance(result, dict):
        return DeliveryUnavailable(f"{system}: unreadable batch item", code="delivery.bad_answer")
    status, external = result.get("status"), result.get("id")
    if status in (200, 201) and isinstance(external, str | int) and external != "":
        return DeliveryReceipt(system, str(external), duplicate=result.get("duplicate") is True)
    text = str(result.get("error") or f"status {status}")[:300]
    if isinstance(status, int) and 400 <= status < 500 and status not in (408, 425, 429):
        return DeliveryRejected(f"{system} refused it: {text}", code="delivery.rejected")
    return DeliveryUnavailable(f"{system}: {text}", code="delivery.bad_answer")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
