"""``callqa db``: schema migrations, and customer keys for interactions stored before them."""

from __future__ import annotations

import typer

from callqa.cli.context import console, open_app
from callqa.db.migrate import current_revision, head_revision
from callqa.lifecycle.customer_key import backfill_customer_keys

app = typer.Typer(help="Database schema: show the revision, migrate to the latest.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the latest schema (also done automatically by every command)."""
    with open_app() as ctx:
        console.print(f"database at revision {current_revision(ctx.engine)}")


@app.command("current")
def current() -> None:
    """Print the database's schema revision and the latest one this version knows."""
    with open_app(migrate=False) as ctx:
        console.print(f"current {current_revision(ctx.engine)}, latest {head_revision(ctx.engine)}")


@app.command("customer-keys")
def customer_keys() -> None:
    """Key the customers of interactions stored before customer keys existed (docs/privacy.md)."""
    with open_app() as ctx:
        keyed = backfill_customer_keys(ctx.factory)
    console.print(f"{keyed} interaction(s) got customer keys", markup=False)
