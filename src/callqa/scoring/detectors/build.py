"""Turn a detector's YAML mapping into a detector object, with coded errors that name the path."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from callqa.core.errors import CallqaError, ErrorCode
from callqa.scoring.detectors.base import Detector, detectors


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def build_detector(spec: Any, path: str) -> Detector:
    """Build the detector at ``path`` (e.g. ``criteria.greeting.detector``); composites recurse."""
    if not isinstance(spec, dict) or "type" not in spec:
        raise CallqaError(ErrorCode.S103, path=path, reason="a detector is a mapping with a 'type'")
    name = spec["type"]
    factory = detectors.get(name)
    if factory is None:
        raise CallqaError(ErrorCode.S102, path=path, name=name, known=", ".join(detectors.names()))
    params = {k: v for k, v in spec.items() if k != "type"}
    try:
        parsed = factory.Params.model_validate(params)
    except ValidationError as exc:
        raise CallqaError(ErrorCode.S103, path=path, reason=_first_error(exc)) from None
    try:
        detector: Detector = factory(parsed, path)
    except ValueError as exc:
        raise CallqaError(ErrorCode.S103, path=path, reason=str(exc)) from None
    return detector
