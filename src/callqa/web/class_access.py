"""Loading a recording-analysis class for a request: 404 when the reader may not know it exists, 403 when
they attend it but may not run it; the service's refusals as HTTP statuses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import HTTPException, Path
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.core.errors import ErrorCode
from callqa.training import classes
from callqa.training.models import TrainingClassRow
from callqa.users.schemas import Actor
from callqa.web.deps import MAX_INT32, refusals

MISSING = (ErrorCode.T161, ErrorCode.T162, ErrorCode.T167)
CONFLICTS = (ErrorCode.T163, ErrorCode.T168)
ItemNo = Annotated[
    int, Path(ge=1, le=MAX_INT32, description="the item's position in the class (1 is the first)")
]


@contextmanager
def class_refusals() -> Iterator[None]:
    """Missing class, item or comment: 404; wrong state or already promoted: 409; bad input: 422."""
    with refusals(CONFLICTS, missing=MISSING):
        yield


def attended_class(session: Session, actor: Actor, class_id: int) -> tuple[TrainingClassRow, Owner]:
    """The class as its attendees see it (agents of its team once it runs, whoever runs it), else 404."""
    with class_refusals():
        row = classes.get_class(session, class_id)
    owner = classes.owner_of(session, row)
    if not classes.attends(actor, row, owner):
        raise HTTPException(404, "not found")
    return row, owner


def run_class(session: Session, actor: Actor, class_id: int) -> tuple[TrainingClassRow, Owner]:
    """The class for whoever runs it (CLASS_RUN); an attendee is refused (403), anyone else gets a 404."""
    row, owner = attended_class(session, actor, class_id)
    if not allowed(actor, Action.CLASS_RUN, owner):
        raise HTTPException(403, "not allowed")
    return row, owner
