"""`lantoa users add|passwd|list`, `lantoa alerts run` and `lantoa serve` as a real process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from web_helpers import enriched

from lantoa.cli import cli
from lantoa.errors import PermissionDenied
from lantoa.store.api import open_store
from lantoa.web.alerts import create_alert, list_events
from lantoa.web.users import UserService


def test_users_add_passwd_list(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    r = runner.invoke(
        cli, ["users", "add", "chanh.vp", "--role", "admin", "--db", db], input="mat-khau-01\nmat-khau-01\n"
    )
    assert r.exit_code == 0, r.output
    assert "chanh.vp created (admin)" in r.output
    r = runner.invoke(
        cli,
        [
            "users",
            "add",
            "can.bo",
            "--password",
            "mat-khau-03",
            "--agency",
            "Ban Tuyên giáo Tỉnh ủy Nghệ An",
            "--agency-level",
            "province",
            "--db",
            db,
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "add", "chanh.vp", "--password", "khac-khac-1", "--db", db])
    assert r.exit_code != 0 and "already exists" in str(r.exception or r.output)
    r = runner.invoke(cli, ["users", "add", "ngan", "--password", "123", "--db", db])
    assert r.exit_code != 0 and "too short" in str(r.exception or r.output)
    r = runner.invoke(cli, ["users", "passwd", "chanh.vp", "--password", "mat-khau-02", "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "list", "--db", db])
    assert "chanh.vp\tadmin\tvi" in r.output.splitlines()[1]
    store = open_store(db)
    try:
        users = UserService(store.engine)
        (agency,) = users.list_agencies()
        assert (agency.name, agency.level) == ("Ban Tuyên giáo Tỉnh ủy Nghệ An", "province")
        assert users.get("can.bo").agency_id == agency.id
        assert users.authenticate("chanh.vp", "mat-khau-02", "127.0.0.1").username == "chanh.vp"
        try:
            users.authenticate("chanh.vp", "mat-khau-01", "127.0.0.1")
            raise AssertionError("the old password still works")
        except PermissionDenied:
            pass
    finally:
        store.close()


def test_alerts_run_one_pass(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    store = open_store(db)
    try:
        user = UserService(store.engine).add("bientap", "mat-khau-01", "editor")
        create_alert(store.engine, store, name="Trường Sa", query="truong sa", owner_id=user.id)
        store.save_article(enriched(1, body="Đoàn công tác thăm Trường Sa."))
        r = CliRunner().invoke(cli, ["alerts", "run", "--db", db])
        assert r.exit_code == 0, r.output
        assert r.output.startswith("1 new event(s)")
        assert len(list_events(store.engine, user.id, None)) == 1
    finally:
        store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, tries: int = 100
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``lantoa serve`` as its own process on a free port; return it and its base URL once
    it answers /health (``tries`` checks, 0.2 s apart when refused)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lantoa", "serve", *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(tries):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    raise AssertionError(err.decode() or "server did not start")


def test_serve_starts_a_real_server(tmp_path: Path) -> None:
    db = str(tmp_path / "serve.db")
    env = {**os.environ, "LANTOA_ALERT_INTERVAL_S": "1"}
    proc, base = _serve(["--db", db], tmp_path, env)
    try:
        r = httpx.get(f"{base}/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert "Lantoa" in httpx.get(f"{base}/login").text
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert b"lantoa users add" in err  # tells how to create the first admin


def test_serve_with_several_workers_shares_logins_and_the_database(tmp_path: Path) -> None:
    """Worker processes get the parent's settings and sessions live in the database: a login made
    through one worker holds whichever worker answers the next request."""
    import psutil

    db = str(tmp_path / "workers.db")
    r = CliRunner().invoke(cli, ["users", "add", "can.bo", "--password", "mat-khau-07", "--db", db])
    assert r.exit_code == 0, r.output
    store = open_store(db)
    try:
        store.save_article(enriched(1, title="Ngư dân Nghệ An vươn khơi", body="Ngư dân ra khơi đánh bắt."))
    finally:
        store.close()
    # tmp_path holds no lantoa.toml: the database comes from --db, through the parent
    proc, base = _serve(["--db", db, "--workers", "2"], tmp_path, tries=150)
    try:
        workers = [p for p in psutil.Process(proc.pid).children(recursive=True) if "python" in p.name()]
        assert len(workers) >= 2
        with httpx.Client(base_url=base) as client:
            login = client.post("/login", data={"username": "can.bo", "password": "mat-khau-07", "next": "/"})
            assert login.status_code == 303
            pages = [client.get("/search", params={"q": "ngu dan"}) for _ in range(12)]
        assert all(p.status_code == 200 for p in pages)
        assert all("Ngư dân Nghệ An vươn khơi" in p.text for p in pages)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_a_serving_worker_leaves_its_startup_objects_out_of_garbage_collection(tmp_path: Path) -> None:
    """In a process of its own: frozen objects are never collected, so the tests never freeze."""
    from lantoa.config import Settings
    from lantoa.web.app import WORKER_SETTINGS_ENV, worker_settings_json

    settings = Settings(db=str(tmp_path / "w.db"))
    open_store(settings.db).close()  # migrated, as ``lantoa serve`` does before its workers start
    code = (
        "import gc; from lantoa.web.app import worker_app; assert gc.get_freeze_count() == 0; "
        "worker_app(); print(gc.get_freeze_count())"
    )
    env = {**os.environ, WORKER_SETTINGS_ENV: worker_settings_json(settings)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) > 10_000  # the modules, the app and its routes
