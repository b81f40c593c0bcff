"""``POST /as2`` (the path is a setting): partners' AS2 messages and asynchronous MDNs.

No API key: AS2 authenticates by signature and certificate (the partner's profile).
The request is stored before anything else; the answer is the synchronous MDN, or an
empty 200 when the partner asked for its MDN asynchronously (posted after the answer).
"""

from __future__ import annotations

from fastapi import BackgroundTasks, Request, Response
from starlette.concurrency import run_in_threadpool

from gateway.api.deps import GatewayDep
from gateway.domain.payloads import PayloadTooLarge
from gateway.observability import tracing
from gateway.observability.metrics import transfer


async def receive_as2(request: Request, gw: GatewayDep, later: BackgroundTasks) -> Response:
    """An AS2 message (RFC 4130) or an MDN for one of ours."""
    from as2 import make_client
    from gateway.transports.as2 import Answer, As2NotConfigured

    limit = gw.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"payload of {declared} bytes is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"payload larger than {limit} bytes")
        chunks.append(chunk)
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]

    def handle() -> Answer:
        # The document's trace starts here, in the thread that queues its tasks.
        with tracing.receipt("as2"):
            return gw.as2.handle(headers, b"".join(chunks))

    try:
        answer = await run_in_threadpool(handle)
    except As2NotConfigured as error:
        transfer("as2", "inbound", "not_configured")
        return Response(error.message, status_code=503, media_type="text/plain")
    transfer("as2", "inbound", "ok" if answer.status < 400 else "refused", size)
    if answer.later is not None:

        def post_mdn() -> None:
            with make_client() as client:
                gw.as2.send_later(answer, client)

        later.add_task(run_in_threadpool, post_mdn)
    response = Response(answer.body, status_code=answer.status)
    for name, value in answer.headers:
        response.headers.append(name, value)
    return response
