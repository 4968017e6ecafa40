"""``callqa user``: add and list users, set passwords, create API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from callqa.cli.context import cli_audit, console, fail, open_app
from callqa.core.errors import CallqaError, ErrorCode
from callqa.users.models import UserRow
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_token, create_user, list_users, set_password

app = typer.Typer(
    help="Users of the web app and API: add, list, passwords, API tokens.", no_args_is_help=True
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    username: str,
    role: Annotated[UserRole, typer.Option(help="admin, qa_analyst, supervisor or agent.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the username).")] = None,
    agent_name: Annotated[
        str | None, typer.Option(help="For an agent: the agent on their interactions.")
    ] = None,
    team: Annotated[str | None, typer.Option(help="The user's own team.")] = None,
    leads: Annotated[
        list[str] | None, typer.Option(help="For a supervisor: a team they lead (repeat).")
    ] = None,
    locale: Annotated[
        str,
        typer.Option(
            help="Interface language: en, zh (Simplified Chinese), zh_Hant (Traditional, Taiwan), lt or fa."
        ),
    ] = "en",
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
) -> None:
    """Add a user (asks for the password twice unless --password-stdin)."""
    try:
        new = UserCreate(
            username=username,
            display_name=name or username,
            password=_password(password_stdin),
            role=role,
            agent_name=agent_name,
            team=team,
            leads=leads or [],
            locale=locale,
        )
    except ValidationError as exc:
        fail(
            f"user '{username}': "
            + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        )
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            try:
                row = create_user(session, new)
                session.flush()
                created = row.id
            except CallqaError as exc:
                fail(str(exc))
        cli_audit(ctx, "create", "user", created, {"username": username, "role": role.value})
    console.print(f"added {role.value} [bold]{username}[/bold]")


@app.command("list")
def list_command() -> None:
    """Every user with role, team and the teams they lead."""
    with open_app() as ctx, ctx.factory() as session:
        users = list_users(session)
    table = Table("username", "name", "role", "agent", "team", "leads", "active")
    for u in users:
        table.add_row(
            u.username,
            u.display_name,
            u.role.value,
            u.agent_name or "",
            u.team or "",
            ", ".join(u.leads),
            "yes" if u.active else "no",
        )
    console.print(table)


@app.command("password")
def password(
    username: str,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
) -> None:
    """Set a user's password."""
    value = _password(password_stdin)
    if len(value) < 10:
        fail("a password needs at least 10 characters")
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            try:
                ended = set_password(session, username, value)
            except CallqaError as exc:
                fail(str(exc))
        cli_audit(ctx, "password", "user", None, {"username": username})
        if ended:  # a new password signs the user out of the web app everywhere
            cli_audit(
                ctx, "revoke", "session", None, {"username": username, "count": ended, "why": "password"}
            )
    console.print(f"password of [bold]{username}[/bold] changed")


@app.command("token")
def token(username: str, name: Annotated[str, typer.Option(help="What the token is for.")] = "cli") -> None:
    """Create an API token for a user and print it (it is not shown again)."""
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            user = session.query(UserRow).filter_by(username=username).one_or_none()
            if user is None:
                fail(str(CallqaError(ErrorCode.U102, username=username)))
            value, row = create_token(session, user.id, name)
            session.flush()
            token_id = row.id
        cli_audit(ctx, "create", "api_token", token_id, {"username": username, "name": name})
    print(value)
