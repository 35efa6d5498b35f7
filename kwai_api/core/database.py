"""The one place that talks to DuckDB.

DuckDB lets one process open a database file, costs about a millisecond a statement and fails on
concurrent updates of a row. So: one connection per process, a cursor per thread, every result
fetched in full, and every write serialized behind one lock (the single writer). Being the only
writer, the process also knows when the data changed: `Database.version` counts the writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb

Row = dict[str, Any]
T = TypeVar("T")


class DatabaseError(Exception):
    """A database problem a person can act on; the message says what happened."""


class DatabaseLocked(DatabaseError):
    """Another process (usually a running `kwai serve`) holds the database file."""


class BackupNotWritten(DatabaseError):
    """The backup file could not be written (a directory the server may not write, a full disk)."""


class Transaction:
    """The cursor of one write transaction; only `Database.write` hands these out."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement that returns nothing of interest."""
        self._cursor.execute(sql, list(params)).fetchall()

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert many rows in one statement (column lists unnested: far faster than one by one)."""
        if not rows:
            return
        values = [list(column) for column in zip(*rows, strict=True)]
        selected = ", ".join(f"unnest(?) AS c{n}" for n in range(len(columns)))
        self.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM (SELECT {selected})",
            values,
        )

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Read inside the transaction (sees its own writes)."""
        return _rows(self._cursor.execute(sql, list(params)))

    def tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read rows as plain tuples: for bulk reads where building dicts would cost most."""
        return self._cursor.execute(sql, list(params)).fetchall()

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Read one row inside the transaction, or None."""
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def insert(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run an INSERT ... RETURNING id and give back that id."""
        row = self._cursor.execute(sql, list(params)).fetchall()
        return row[0][0] if row else None


class Database:
    """Owns the process's DuckDB connection: bulk reads on per-thread cursors, serialized writes."""

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise DatabaseLocked(
                    f"the database {self.path} is in use by another process "
                    "(is `kwai serve` running?)"
                ) from None
            raise DatabaseError(f"cannot open the database {self.path}: {error}") from None
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._cursors_lock = threading.Lock()
        # Counts the writes: a read made at one version is what the data says until it changes.
        self.version = 0

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._connection.cursor()
            cursor.execute("SET TimeZone = 'UTC'")
            self._local.cursor = cursor
            with self._cursors_lock:
                self._cursors.append(cursor)
        return cursor

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query and return every row as a dict."""
        return _rows(self._cursor().execute(sql, list(params)))

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a query and return its first row, or None."""
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def fetchvalue(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run a query and return the first column of its first row, or None."""
        rows = self._cursor().execute(sql, list(params)).fetchall()
        return rows[0][0] if rows else None

    def write(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one transaction, serialized with every other write in this process."""
        with self._write_lock:
            cursor = self._cursor()
            cursor.execute("BEGIN TRANSACTION")
            try:
                result = work(Transaction(cursor))
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            self.version += 1  # counted once committed: a read that sees it sees the write
            return result

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one write statement in its own transaction."""
        self.write(lambda tx: tx.execute(sql, params))

    @contextmanager
    def snapshot(self) -> Iterator[Transaction]:
        """Read several queries from one consistent snapshot (a read transaction)."""
        cursor = self._connection.cursor()
        cursor.execute("SET TimeZone = 'UTC'")
        cursor.execute("BEGIN TRANSACTION")
        try:
            yield Transaction(cursor)
        finally:
            cursor.execute("ROLLBACK")
            cursor.close()

    def backup(self, target: Path, also: Callable[[], None] | None = None) -> None:
        """Write a consistent copy of the database to `target` (works while serving).

        `also` runs while writes still wait: files the database refers to are copied then, so
        the copies agree with each other.
        """
        target = Path(target).resolve()
        if target.exists():
            raise DatabaseError(f"{target} exists already; choose a new file")
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._write_lock:
            cursor = self._cursor()
            try:
                cursor.execute("ATTACH ? AS backup_target", [str(target)])
            except duckdb.Error as error:
                raise BackupNotWritten(f"cannot write {target}: {error}") from None
            try:
                cursor.execute(
                    f"COPY FROM DATABASE {_database_name(self._connection)} TO backup_target"
                )
            except duckdb.Error as error:
                cursor.execute("DETACH backup_target")
                target.unlink(missing_ok=True)  # a partial copy is no backup
                raise BackupNotWritten(f"cannot write {target}: {error}") from None
            cursor.execute("DETACH backup_target")
            if also is not None:
                also()

    def close(self) -> None:
        """Close every cursor and the connection."""
        with self._cursors_lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
        self._connection.close()


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[Row]:
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _database_name(connection: duckdb.DuckDBPyConnection) -> str:
    name = connection.execute("SELECT current_database()").fetchall()[0][0]
    return '"' + str(name).replace('"', '""') + '"'


def migrations() -> list[tuple[int, str, str]]:
    """The numbered SQL migrations shipped with kwai, in order: (version, name, sql)."""
    found = []
    for item in resources.files("kwai_api.core.migrations").iterdir():
        if item.name.endswith(".sql"):
            version = int(item.name.split("_", 1)[0])
            found.append((version, item.name, item.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(db: Database) -> list[str]:
    """Apply the migrations not yet recorded in `schema_migrations`; return their names."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP))"
    )
    done = {row["version"] for row in db.fetchall("SELECT version FROM schema_migrations")}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue

        def apply(
            tx: Transaction, version: int = version, name: str = name, sql: str = sql
        ) -> None:
            for statement in _statements(sql):
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name]
            )

        db.write(apply)
        applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration file on `;` at line ends (our migrations hold no procedural code)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";\n") if part.strip().strip(";")]


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) and migrate the database at `path`."""
    db = Database(path)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db
