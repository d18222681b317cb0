"""One ``airwork serve`` per database.

A server re-queues, at start-up, the jobs a stopped server left queued or running; a second
server on the same database would take those of the first, still alive, and run them twice.
So a server holds a lock on its database for as long as it runs, and a second one is
refused with one line:

* SQLite: an exclusive ``flock`` on ``DATABASE.serve-lock`` beside the database file (the
  kernel drops it when the process dies, however it dies);
* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection kept open
  (the server drops it when the connection ends).

Other databases SQLAlchemy reaches take no lock (the rule is then the operator's).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from airwork.service.errors import ServiceError

__all__ = ["LOCK_KEY", "one_server"]

LOCK_KEY = 0x61697277  # "airw": the advisory lock key of airwork servers
"""PostgreSQL advisory lock key held by a running server."""


def _refused(where: str) -> ServiceError:
    return ServiceError(
        f"another airwork serve is already using {where}: run one server per database "
        "(stop the other, or give this one --db / --data-dir of its own)"
    )


@contextlib.contextmanager
def one_server(database_url: str) -> Iterator[None]:
    """Hold the database's server lock while the block runs.

    Raises
    ------
    ServiceError
        Another server holds it.
    """
    import sqlalchemy as sa

    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        with _file_lock(Path(url.database)):
            yield
    elif url.get_backend_name() == "postgresql":
        with _advisory_lock(database_url, url.render_as_string(hide_password=True)):
            yield
    else:
        yield


@contextlib.contextmanager
def _file_lock(db_path: Path) -> Iterator[None]:
    lock = db_path.with_name(db_path.name + ".serve-lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refused(str(db_path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def _advisory_lock(database_url: str, shown: str) -> Iterator[None]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        try:
            conn = engine.connect()
        except Exception as exc:  # the driver's errors: say which database, in one line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ServiceError(f"cannot use the database {shown}: {first}") from None
        with conn:
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY})
            if not got.scalar():
                raise _refused(shown)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
    finally:
        engine.dispose()
