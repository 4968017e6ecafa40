"""The ids callqa's names have in routing systems, checked before they are stored.

``SYSTEMS`` is the open list of routing systems: each names the kinds of name it keeps an id for and the
shape that id must have. Amazon Connect (``connect``) keeps a **user** id per agent and a **queue** id per
callqa queue (the ``QueueId`` of its routing profiles): each a UUID or the ARN of a Connect agent or queue;
and a **reason** → the value of the ``ContactReason`` predefined attribute that stands for the contact
reason in the centre's routing criteria (so a proficiency names the value the centre already uses).
Genesys Cloud (``genesys``) keeps a **user** id per agent (a UUID) and a **reason** → ACD skill name (so a
contact reason is exported as the skill the centre already has, not as ``reason:<id>``). Adding a system is
adding an entry here and an export that reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from callqa.core.errors import CallqaError, ErrorCode

KINDS = ("user", "queue", "reason")
MAX_NAME = 255  # the callqa name: an agent, queue or reason id
MAX_SKILL_NAME = 255
MAX_ATTRIBUTE_VALUE = 64  # a Connect proficiency's AttributeValue (CloudFormation's limit; the API's is 100)

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID = re.compile(f"^{_UUID}$")
_CONNECT_ARN = r"^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{{12}}:instance/{uuid}/{what}/({uuid})$"
CONNECT_USER_ARN = re.compile(_CONNECT_ARN.format(uuid=_UUID, what="agent"))
CONNECT_QUEUE_ARN = re.compile(_CONNECT_ARN.format(uuid=_UUID, what="queue"))


@dataclass(frozen=True)
class IdShape:
    """What an id of one kind looks like in one system, and the id its API takes (an ARN's trailing UUID)."""

    described: str
    check: Callable[[str], str | None]  # the id for the API, or None when the value has another shape


def _uuid(value: str) -> str | None:
    return value.lower() if UUID.match(value) else None


def _uuid_or_arn(arn: re.Pattern[str]) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        found = arn.match(value)
        return found.group(1).lower() if found else _uuid(value)

    return check


def _printable(limit: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return value if len(value) <= limit and value.isprintable() else None

    return check


SYSTEMS: dict[str, dict[str, IdShape]] = {
    "connect": {
        "user": IdShape("a Connect user id (UUID) or agent ARN", _uuid_or_arn(CONNECT_USER_ARN)),
        "queue": IdShape("a Connect queue id (UUID) or queue ARN", _uuid_or_arn(CONNECT_QUEUE_ARN)),
        "reason": IdShape(
            f"a Connect ContactReason attribute value (1–{MAX_ATTRIBUTE_VALUE} printable characters)",
            _printable(MAX_ATTRIBUTE_VALUE),
        ),
    },
    "genesys": {
        "user": IdShape("a Genesys Cloud user id (UUID)", _uuid),
        "reason": IdShape(
            f"a Genesys Cloud skill name (1–{MAX_SKILL_NAME} printable characters)",
            _printable(MAX_SKILL_NAME),
        ),
    },
}


@dataclass(frozen=True)
class RoutingId:
    system: str
    kind: str
    callqa_name: str
    external_id: str


def check_system(system: str) -> dict[str, IdShape]:
    """The kinds ``system`` keeps, or O134."""
    try:
        return SYSTEMS[system]
    except KeyError:
        raise CallqaError(ErrorCode.O134, system=system, known=", ".join(sorted(SYSTEMS))) from None


def api_id(system: str, kind: str, external_id: str) -> str:
    """The id the routing system's API takes for a checked ``external_id`` (a Connect ARN: its UUID)."""
    return SYSTEMS[system][kind].check(external_id) or external_id


def checked(system: str, kind: str, callqa_name: str, external_id: str) -> RoutingId:
    """The mapping with its parts trimmed, or a coded error: an unknown system (O134), a kind the system
    does not keep (O135), an id of the wrong shape (O136), an empty or too long callqa name (O137)."""
    system, kind, name, ext = (
        system.strip().lower(),
        kind.strip().lower(),
        callqa_name.strip(),
        external_id.strip(),
    )
    shapes = check_system(system)
    if kind not in shapes:
        raise CallqaError(ErrorCode.O135, system=system, kind=kind, known=", ".join(sorted(shapes)))
    if not name:
        raise CallqaError(ErrorCode.O137, system=system, kind=kind, reason="is empty")
    if len(name) > MAX_NAME:
        reason = f"'{name[:20]}…' is longer than {MAX_NAME} characters"
        raise CallqaError(ErrorCode.O137, system=system, kind=kind, reason=reason)
    shape = shapes[kind]
    if not ext or shape.check(ext) is None:
        raise CallqaError(
            ErrorCode.O136, system=system, kind=kind, name=name, external_id=ext[:80], shape=shape.described
        )
    return RoutingId(system, kind, name, ext)


@dataclass(frozen=True)
class SystemIds:
    """One routing system's ids as its API takes them, by callqa name: what an export fills in."""

    users: Mapping[str, str] = field(default_factory=dict)
    queues: Mapping[str, str] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)


NO_IDS = SystemIds()


def system_ids(system: str, mappings: list[RoutingId]) -> SystemIds:
    """``mappings`` of ``system`` gathered by kind, each id as the API takes it."""
    by_kind: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for m in mappings:
        if m.system == system:
            by_kind[m.kind][m.callqa_name] = api_id(system, m.kind, m.external_id)
    return SystemIds(by_kind["user"], by_kind["queue"], by_kind["reason"])
