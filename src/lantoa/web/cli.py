"""``lantoa serve``, ``lantoa users add|passwd|list`` and ``lantoa alerts run``: thin over the library."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from lantoa.cli import AppContext, db_option, pass_app
from lantoa.store.api import open_store
from lantoa.web import schema as _schema  # noqa: F401 - registers the "web" migrations
from lantoa.web.users import Role, UserService


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--no-alerts", is_flag=True, help="Do not run the alert dispatcher loop in this process.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes serving requests (a search holds a core for its 20-50 ms: one worker "
    "per core keeps searches from queueing behind each other).",
)
@pass_app
def serve_command(app: AppContext, host: str, port: int, no_alerts: bool, workers: int) -> None:
    """Serve the web app and API (alerts are checked every `alert_interval_s` seconds)."""
    import uvicorn

    from lantoa.web.app import (
        WORKER_SETTINGS_ENV,
        alert_thread,
        create_app,
        freeze_startup_objects,
        worker_settings_json,
    )

    if workers == 1:
        web = create_app(app.settings, run_alerts=not no_alerts)
        users = web.state.users
    else:  # the workers import the app themselves; this process migrates and runs the alerts
        store = open_store(app.settings.db)
        users = UserService(store.engine)
        os.environ[WORKER_SETTINGS_ENV] = worker_settings_json(app.settings)
        if not no_alerts and app.settings.alert_interval_s > 0:
            alert_thread(store, app.settings)
    if users.count() == 0:
        click.echo("No user yet: create the first admin with `lantoa users add NAME --role admin`.", err=True)
    click.echo(f"Lantoa is serving at http://{host}:{port} (Ctrl-C to stop)", err=True)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "access_log": False}
    if workers == 1:
        freeze_startup_objects()
        uvicorn.run(web, **options)
    else:
        uvicorn.run("lantoa.web.app:worker_app", factory=True, workers=workers, **options)


@click.group("users")
def users_group() -> None:
    """Accounts of the web app: add, change a password, list."""


@contextmanager
def _service(app: AppContext) -> Iterator[UserService]:
    with app.store() as store:
        yield UserService(store.engine)


@users_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default="viewer",
    show_default=True,
    help="admin, editor or viewer.",
)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of the user's pages.",
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (asked when not given; at least 8 characters).",
)
@click.option("--agency", help="Agency the user belongs to (created if new).")
@click.option(
    "--agency-level",
    type=click.Choice(["central", "province", "commune"]),
    default="central",
    show_default=True,
    help="Level of the agency when it is created.",
)
@db_option
@pass_app
def users_add(
    app: AppContext,
    username: str,
    role: str,
    lang: str,
    password: str,
    agency: str | None,
    agency_level: str,
) -> None:
    """Create a user (the first admin is created this way)."""
    with _service(app) as service:
        if agency and agency not in {a.name for a in service.list_agencies()}:
            service.add_agency(agency, agency_level)
        user = service.add(username, password, Role(role), lang, agency=agency)
    click.echo(f"user {user.username} created ({user.role.value})")


@users_group.command("passwd")
@click.argument("username")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="New password (asked when not given).",
)
@db_option
@pass_app
def users_passwd(app: AppContext, username: str, password: str) -> None:
    """Change a user's password; their open sessions are closed."""
    with _service(app) as service:
        service.set_password(username, password)
    click.echo(f"password of {username} changed")


@users_group.command("list")
@db_option
@pass_app
def users_list(app: AppContext) -> None:
    """List users with their role."""
    with _service(app) as service:
        users = service.list()
    for user in users:
        state = "" if user.active else " (disabled)"
        click.echo(f"{user.username}\t{user.role.value}\t{user.lang}\t{user.created_at:%Y-%m-%d}{state}")


@click.group("alerts")
def alerts_group() -> None:
    """Alert checks and deliveries outside the web server (for cron)."""


@alerts_group.command("run")
@db_option
@pass_app
def alerts_run(app: AppContext) -> None:
    """One pass: check every active alert, then send due e-mails and webhooks."""
    from lantoa.web.alerts import check_alerts
    from lantoa.web.delivery import Dispatcher

    with app.store() as store:
        events = check_alerts(store.engine, store)
        summary = Dispatcher(store.engine, app.settings).run_once()
    click.echo(
        f"{events} new event(s); {summary.sent} sent, {summary.retried} to retry, {summary.failed} failed"
    )


commands = [serve_command, users_group, alerts_group]
