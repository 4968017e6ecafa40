"""Reading an uploaded file from a form or an API call, within a size limit (every CSV upload)."""

from __future__ import annotations

from fastapi import HTTPException, UploadFile

from callqa.core.errors import CallqaError, ErrorCode

MAX_UPLOAD = 5 * 1024 * 1024
MAX_NAME = 255


def read_upload(upload: UploadFile, *, limit: int = MAX_UPLOAD) -> tuple[bytes, str]:
    """An uploaded file's bytes and name (its last 255 characters); a 413 with O170 when it is larger
    than ``limit`` bytes (read no further than that)."""
    name = (upload.filename or "upload.csv")[-MAX_NAME:]
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        reason = f"larger than {limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"over {limit} bytes"
        raise HTTPException(413, str(CallqaError(ErrorCode.O170, name=name, reason=reason)))
    return data, name
