"""Bulk writes for imports of hundreds of thousands of rows, fast on SQLite and PostgreSQL.

SQLAlchemy's multi-row INSERT (insertmanyvalues) is quick on SQLite, but on PostgreSQL psycopg
re-parses each 12,000-placeholder batch: 20,000 cooperatives took 15-19 s there, and psycopg's
pipelined executemany still took half a minute for a national register. On PostgreSQL rows go
in by COPY instead: new rows with ids taken from the table's sequence beforehand, updates
through a temporary table joined in one UPDATE. Table and column names come from the models,
never from the file.
"""

import json
from collections.abc import Callable, Iterable

from sqlalchemy import Table, bindparam, column, func, insert, select, text, update
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session


def is_postgresql(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def insert_returning_ids(
    session: Session, table: Table, rows: list[dict], key: Callable[[dict], tuple]
) -> list[int]:
    """Insert rows (all with the same keys); their new ids, in the rows' order. `key` must tell
    the rows apart: SQLite returns multi-row INSERT ids in no promised order."""
    columns = list(rows[0])
    if is_postgresql(session):
        sequence = func.pg_get_serial_sequence(table.name, "id")
        ids = list(
            session.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))
            )
        )
        pairs = zip(ids, rows, strict=True)
        values = ([new_id, *(row[c] for c in columns)] for new_id, row in pairs)
        copy_rows(session, table, ["id", *columns], values)
        return ids
    key_columns = [table.c[c] for c in columns]
    returned = session.execute(insert(table).returning(table.c.id, *key_columns), rows)
    by_key = {key(dict(zip(columns, row[1:], strict=True))): row[0] for row in returned}
    return [by_key[key(row)] for row in rows]


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert rows (all with the same keys) without asking for their ids."""
    columns = list(rows[0])
    if not is_postgresql(session):
        session.execute(insert(table), rows)
        return
    copy_rows(session, table, columns, ([row[c] for c in columns] for row in rows))


def update_versioned(session: Session, table: Table, rows: list[dict], fixed: dict) -> int:
    """Update rows by id, each only where its version is still the one read (optimistic
    concurrency), and raise the version by one. `rows` hold id, version and the columns to
    set (all with the same keys); `fixed`, the values every row gets. Answers how many rows
    were updated."""
    columns = [c for c in rows[0] if c not in ("id", "version")]
    if not is_postgresql(session):
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(
                **{c: bindparam(f"v_{c}") for c in columns},
                version=table.c.version + 1,
                **fixed,
            )
        )
        params = [
            {"b_id": row["id"], "b_version": row["version"], **{f"v_{c}": row[c] for c in columns}}
            for row in rows
        ]
        return session.connection().execute(stmt, params).rowcount
    every = ["id", "version", *columns]
    # The table's own column types, without its constraints; gone at the end of the statement
    # batch (dropped below) or, on failure, of the transaction.
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE bulk_update ON COMMIT DROP AS "
            f"SELECT {', '.join(every)} FROM {table.name} WITH NO DATA"
        )
    )
    staged = sql_table("bulk_update", *(column(c) for c in every))
    copy_rows(session, staged, every, ([row[c] for c in every] for row in rows))
    result = session.execute(
        update(table)
        .where(table.c.id == staged.c.id, table.c.version == staged.c.version)
        .values(**{c: staged.c[c] for c in columns}, version=staged.c.version + 1, **fixed)
    )
    session.execute(text("DROP TABLE bulk_update"))
    return result.rowcount


def copy_rows(session: Session, table, columns: list[str], rows: Iterable[list]) -> None:
    """PostgreSQL's COPY of these rows (values in the order of `columns`) into the table."""
    driver = session.connection().connection.driver_connection
    json_at = [i for i, c in enumerate(columns) if table.c[c].type.__class__.__name__ == "JSON"]
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for values in rows:
            for i in json_at:
                values[i] = json.dumps(values[i])
            copy.write_row(values)
