"""Reading an upload's body within the size limit, before any of it is kept.

The route that stores a message is a plain ``def`` over the sync core, but the body
can only be read as an async stream, so this async dependency reads it first: into
memory while small, into a temporary file past that, and never past
``settings.max_upload_bytes`` (a client that lies about, or omits, Content-Length is
cut off at the limit all the same).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import Annotated, BinaryIO, cast

from fastapi import Depends, Request

from gateway.api.deps import GatewayDep
from gateway.domain.payloads import PayloadTooLarge

# Bodies up to this size stay in memory; EDI files are mostly far smaller.
_IN_MEMORY = 1 << 20


async def read_upload(request: Request, gw: GatewayDep) -> AsyncIterator[BinaryIO]:
    """The request body as a file positioned at its start, closed after the response.

    Raises:
        PayloadTooLarge: Content-Length, or the bytes actually sent, exceed the limit.
    """
    limit = gw.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"payload of {declared} bytes is larger than {limit} bytes")
    with tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"payload larger than {limit} bytes")
            spool.write(chunk)
        spool.seek(0)
        yield cast(BinaryIO, spool)


UploadDep = Annotated[BinaryIO, Depends(read_upload)]

# /docs cannot infer a raw body from the signature; any content type is accepted.
UPLOAD_OPENAPI = {
    "requestBody": {
        "required": True,
        "description": "One file of X12 or EDIFACT, exactly as the partner's system wrote it",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in ("application/edi-x12", "application/edifact", "application/octet-stream")
        },
    }
}
