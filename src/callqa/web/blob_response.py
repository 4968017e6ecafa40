"""A stored blob as an HTTP response that answers byte ranges, so the audio player can seek.

Blobs are read through the file store, decrypted when they are stored encrypted: a range is served by
decrypting only the chunks it covers. A blob that cannot be opened (missing, its key not configured, altered,
truncated) is refused before any byte is sent, and so is a range whose first chunk was altered; a chunk
altered further on stops the response where it begins (the client sees a body shorter than announced), and
the server logs the coded error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from fastapi import HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from callqa.core.errors import CallqaError, ErrorCode
from callqa.storage.files import BlobReader, FileStore

log = logging.getLogger(__name__)
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_STATUS = {ErrorCode.F100: 404, ErrorCode.F102: 503}  # F103, F104 (damaged): 500


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, stop)`` of a single ``Range: bytes=…`` request (stop exclusive), ``None`` to send the whole
    blob (no range, several ranges, or a header this does not read). Raises ``ValueError`` when the range
    starts past the end (answered 416)."""
    match = _RANGE.fullmatch(header.strip()) if header else None
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        if int(last) == 0 or size == 0:
            raise ValueError(f"range {header} asks for no bytes")
        return max(size - int(last), 0), size
    start = int(first)
    if last != "" and int(last) < start:
        return None  # not a valid range: ignored
    if start >= size:
        raise ValueError(f"range {header} starts past the {size} bytes")
    return start, size if last == "" else min(int(last) + 1, size)


def open_blob(store: FileStore, uri: str) -> BlobReader:
    """The blob, or the HTTP error that says why it cannot be served (the coded message as its detail)."""
    try:
        return store.open_blob(uri)
    except CallqaError as exc:
        raise _refused(exc) from None


def _refused(exc: CallqaError) -> HTTPException:
    log.error("%s", exc)
    return HTTPException(_STATUS.get(exc.code, 500), str(exc))


def blob_response(request: Request, blob: BlobReader, media_type: str) -> Response:
    """The blob (or the range the request asks for) as a streamed response; the blob is closed after."""
    headers = {"accept-ranges": "bytes"}
    try:
        wanted = byte_range(request.headers.get("range"), blob.size)
    except ValueError:
        blob.close()
        return Response(status_code=416, headers={**headers, "content-range": f"bytes */{blob.size}"})
    start, stop = wanted or (0, blob.size)
    headers["content-length"] = str(stop - start)
    if wanted is not None:
        headers["content-range"] = f"bytes {start}-{stop - 1}/{blob.size}"
    status = 206 if wanted is not None else 200
    pieces = blob.read_range(start, stop)
    try:
        first = next(pieces, b"")  # the range's first chunk, decrypted before the status is sent
    except CallqaError as exc:
        blob.close()
        raise _refused(exc) from None
    return StreamingResponse(_rest(blob, first, pieces), status, headers, media_type=media_type)


def _rest(blob: BlobReader, first: bytes, pieces: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield first
        yield from pieces
    except CallqaError as exc:  # altered further on: what was sent is authentic, the rest is never sent
        log.error("%s", exc)
    finally:
        blob.close()
