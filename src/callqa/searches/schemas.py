"""Saved searches as the API reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field

from callqa.users.schemas import PRINTABLE


class SavedSearchCreate(BaseModel):
    """A search to keep: its name, the list page's parameters (``q``, filters, ``sort``) and, to share it,
    one of the caller's teams."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=120, pattern=PRINTABLE)]
    params: dict[
        Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=500, pattern=PRINTABLE)]
    ]
    team: Annotated[str | None, Field(max_length=255, pattern=PRINTABLE)] = None


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    params: dict[str, str]
    team: str | None  # shared with; None: private
    owner: str  # the username of whoever saved it
    mine: bool
    created_at: datetime

    @property
    def url(self) -> str:
        """The list page running it (with the viewer's own scope)."""
        return "/interactions" + (f"?{urlencode(self.params)}" if self.params else "")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "params": self.params,
            "team": self.team,
            "owner": self.owner,
            "mine": self.mine,
            "url": self.url,
            "created_at": self.created_at.isoformat(),
        }
