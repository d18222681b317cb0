"""One server per database, on PostgreSQL too."""

from __future__ import annotations

import pytest

from airwork.service.errors import ServiceError
from airwork.service.serverlock import one_server

from .conftest import create_pg_database, drop_pg_database


def test_a_second_server_on_one_postgresql_database_is_refused():
    url = create_pg_database()
    try:
        with (
            one_server(url),
            pytest.raises(ServiceError, match="another airwork serve is already using"),
            one_server(url),
        ):
            pass
        with one_server(url):  # released when the first stops
            pass
    finally:
        drop_pg_database(url)


def test_an_unreachable_postgresql_is_one_line():
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"
    with pytest.raises(ServiceError, match="cannot use the database") as info, one_server(url):
        pass
    assert "secret" not in str(info.value) and "\n" not in str(info.value)
