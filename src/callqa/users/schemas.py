"""Roles, the signed-in actor, and what creating a user takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from callqa.core.i18n import LANGUAGES
from callqa.users.passwords import MIN_LENGTH, password_problem

# a user's interface language: a registered one (en, zh, zh_Hant, lt, fa), offered once its catalogue exists
LOCALE_PATTERN = "^(" + "|".join(LANGUAGES) + ")$"


class UserRole(StrEnum):
    ADMIN = "admin"
    QA_ANALYST = "qa_analyst"
    SUPERVISOR = "supervisor"
    AGENT = "agent"


@dataclass(frozen=True)
class Actor:
    """Who is asking: everything access control needs, loaded once per request."""

    user_id: int
    username: str
    display_name: str
    role: UserRole
    agent_name: str | None = None
    team: str | None = None
    led_teams: frozenset[str] = field(default_factory=frozenset)
    locale: str = "en"


USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,127}$"
MIN_PASSWORD = MIN_LENGTH
# Names shown on pages and matched against interactions: printable text only. A control character (NUL
# above all: SQLite compares up to it, PostgreSQL refuses it) is a 422 naming the field, never a 500.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[str, Field(min_length=1, max_length=255, pattern=PRINTABLE)]


class UserCreate(BaseModel):
    """A new user; an agent needs ``agent_name`` (the ``agent`` on their interactions)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: Name
    password: str = Field(min_length=MIN_PASSWORD, max_length=1024)
    role: UserRole
    agent_name: str | None = Field(default=None, max_length=255, pattern=PRINTABLE)
    team: Name | None = None
    leads: list[Name] = Field(default_factory=list, max_length=100)
    locale: str = Field(default="en", pattern=LOCALE_PATTERN)
    hired_on: date | None = None

    @field_validator("agent_name")
    @classmethod
    def _agent_name(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _strong_password(self) -> UserCreate:
        problem = password_problem(self.password, self.username)
        if problem:
            raise ValueError(f"password: {problem}")
        return self


class UserUpdate(BaseModel):
    """Changes to a user; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    display_name: Name | None = None
    role: UserRole | None = None
    agent_name: str | None = Field(default=None, max_length=255, pattern=PRINTABLE)
    team: str | None = Field(
        default=None, max_length=255, pattern=PRINTABLE, description="'' removes the team"
    )
    leads: list[Name] | None = Field(default=None, max_length=100)
    locale: str | None = Field(default=None, pattern=LOCALE_PATTERN)
    hired_on: date | None = None
    active: bool | None = None


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: UserRole
    agent_name: str | None
    team: str | None
    leads: list[str]
    locale: str
    hired_on: date | None
    active: bool
