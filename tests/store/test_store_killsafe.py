"""A process killed mid-ingest leaves a consistent database, and a re-run completes it exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select

from lantoa.store.api import SaveStatus, open_store
from lantoa.store.schema import article_themes, articles, dedup_signatures, dup_groups

N = 80
HERE = Path(__file__).parent

SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from store_factories import make
    from lantoa.store.api import open_store

    store = open_store(sys.argv[1])
    for i in range(int(sys.argv[3])):
        # every fifth article republishes the previous one under another URL
        seed = i - 1 if i % 5 == 4 else i
        r = store.save_article(make(f"https://kill.example/{i}", seed=seed))
        print(i, r.status.value, flush=True)
    """
)


def _check_consistent(url: str) -> int:
    from lantoa.search.index import search_keys  # type: ignore[attr-defined]

    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            ids = set(conn.execute(select(articles.c.id)).scalars())
            assert None not in set(conn.execute(select(articles.c.group_id)).scalars())
            sizes = dict(
                conn.execute(select(articles.c.group_id, func.count()).group_by(articles.c.group_id)).all()
            )
            groups = {r.id: r.size for r in conn.execute(select(dup_groups))}
            assert groups == sizes
            for table in (article_themes, dedup_signatures, search_keys):
                assert set(conn.execute(select(table.c.article_id)).scalars()) <= ids
            themed = set(conn.execute(select(article_themes.c.article_id)).scalars())
            indexed = set(conn.execute(select(search_keys.c.article_id)).scalars())
            assert themed == ids and indexed == ids
        return len(ids)
    finally:
        store.close()


def test_killed_ingest_is_all_or_nothing_and_resumable(db_url: str) -> None:
    open_store(db_url).close()  # migrated before the race starts
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, db_url, str(HERE), str(N)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    done = 0
    for _line in proc.stdout:
        done += 1
        if done >= 12:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    stored = _check_consistent(db_url)
    assert done <= stored < N, f"killed after {done} printed, {stored} stored"

    sys.path.insert(0, str(HERE))
    from store_factories import make

    store = open_store(db_url)
    try:
        statuses = [
            store.save_article(make(f"https://kill.example/{i}", seed=i - 1 if i % 5 == 4 else i)).status
            for i in range(N)
        ]
        assert statuses.count(SaveStatus.UNCHANGED) == stored
        assert statuses.count(SaveStatus.NEW) == N - stored
        assert store.count_articles(groups=False) == N
        assert store.count_articles() == N - N // 5
    finally:
        store.close()
    assert _check_consistent(db_url) == N
