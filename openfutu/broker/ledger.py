"""Durable ledger of the simulated broker: SQLite in WAL mode.

Every change a broker call makes is written in one transaction with
synchronous=FULL and committed before the call returns, so a response sent
after it never announces something a crash could lose.  Records are stored
as JSON documents next to their key columns; the schema is versioned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sqlite3
import types
import typing
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from openfutu.broker.enums import Currency
from openfutu.broker.model import Account, CashFlow, Fill, Order, Position

SCHEMA_VERSION = 1
APPLICATION_ID = 0x4F46424B  # "OFBK": marks the file as an openfutu broker ledger


class LedgerError(Exception):
    """The ledger file cannot be used (corrupt, foreign, or too new)."""


# ---------------------------------------------------------------- codec

_hints_cache: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    h = _hints_cache.get(cls)
    if h is None:
        h = typing.get_type_hints(cls)
        _hints_cache[cls] = h
    return h


def encode(obj: Any) -> Any:
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, IntEnum):
        return int(obj)
    if isinstance(obj, (int, float)):
        return obj
    if isinstance(obj, dt.datetime):
        return obj.isoformat()
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj):
        return {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [encode(x) for x in obj]
    if isinstance(obj, dict):
        return [[encode(k), encode(v)] for k, v in obj.items()]
    raise TypeError(f"cannot store {type(obj).__name__}")


def decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return decode(args[0], value)
    if origin is tuple:
        args = typing.get_args(tp)
        return tuple(decode(args[0], v) for v in value)
    if origin is list:
        return [decode(typing.get_args(tp)[0], v) for v in value]
    if origin is dict:
        kt, vt = typing.get_args(tp)
        return {decode(kt, k): decode(vt, v) for k, v in value}
    if isinstance(tp, type):
        if issubclass(tp, IntEnum):
            return tp(value)
        if tp is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if tp is dt.date:
            return dt.date.fromisoformat(value)
        if tp is float:
            return float(value)
        if dataclasses.is_dataclass(tp):
            hints = _hints(tp)
            return tp(**{k: decode(hints[k], v) for k, v in value.items() if k in hints})
    return value


def _dump(obj: Any) -> str:
    return json.dumps(encode(obj), ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- state


@dataclass(slots=True)
class LedgerState:
    """Everything the broker restores on open."""

    accounts: list[Account] = field(default_factory=list)
    cash: dict[tuple[int, Currency], float] = field(default_factory=dict)
    orders: list[Order] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    cash_flows: list[CashFlow] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class LedgerBatch:
    """Changes of one broker call, written atomically."""

    accounts: list[Account] = field(default_factory=list)
    cash: dict[tuple[int, Currency], float] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)
    positions: dict[tuple[int, str], Position] = field(default_factory=dict)
    cash_flows: list[CashFlow] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(
            self.accounts or self.cash or self.orders or self.fills or self.positions
            or self.cash_flows or self.counters
        )


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (acc_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE cash (acc_id INTEGER NOT NULL, currency INTEGER NOT NULL, amount REAL NOT NULL,
                   PRIMARY KEY (acc_id, currency));
CREATE TABLE orders (order_id INTEGER PRIMARY KEY, acc_id INTEGER NOT NULL,
                     order_id_ex TEXT NOT NULL UNIQUE, create_time TEXT NOT NULL,
                     status INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX orders_by_acc ON orders (acc_id, create_time);
CREATE TABLE fills (fill_id INTEGER PRIMARY KEY, acc_id INTEGER NOT NULL, order_id INTEGER NOT NULL,
                    create_time TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX fills_by_acc ON fills (acc_id, create_time);
CREATE TABLE positions (acc_id INTEGER NOT NULL, code TEXT NOT NULL, data TEXT NOT NULL,
                        PRIMARY KEY (acc_id, code));
CREATE TABLE cash_flows (cashflow_id INTEGER PRIMARY KEY, acc_id INTEGER NOT NULL,
                         clearing_date TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Ledger:
    """The broker's SQLite file.  ``Ledger.open(path)`` creates or validates it;
    use ``":memory:"`` for a throw-away ledger."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> "Ledger":
        path = os.fspath(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"{path}: not an openfutu broker ledger or corrupt ({exc})") from exc
        ledger = cls(conn, path)
        if not tables and app_id == 0:
            ledger._create()
            return ledger
        if app_id != APPLICATION_ID or "meta" not in tables:
            conn.close()
            raise LedgerError(f"{path}: not an openfutu broker ledger (foreign SQLite file)")
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            conn.close()
            raise LedgerError(f"{path}: broker ledger has no schema version (corrupt)")
        version = int(row[0])
        if version > SCHEMA_VERSION:
            conn.close()
            raise LedgerError(
                f"{path}: broker ledger schema version {version} is newer than this openfutu "
                f"supports ({SCHEMA_VERSION}); upgrade openfutu"
            )
        ledger._migrate(version)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"{path}: broker ledger is corrupt ({exc})") from exc
        if ok != "ok":
            raise LedgerError(f"{path}: broker ledger is corrupt ({ok})")
        return ledger

    def _create(self) -> None:
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        for stmt in _SCHEMA.strip().split(";"):
            if stmt.strip():
                c.execute(stmt)
        c.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        c.execute("INSERT INTO meta VALUES ('application', 'openfutu-broker')")
        c.execute(f"PRAGMA application_id={APPLICATION_ID}")
        c.execute("COMMIT")

    def _migrate(self, version: int) -> None:
        # Version 1 is the first schema; later versions add steps here.
        if version != SCHEMA_VERSION:
            raise LedgerError(f"{self.path}: no migration from schema version {version}")

    @property
    def is_empty(self) -> bool:
        return self._conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] == 0

    def load(self) -> LedgerState:
        c = self._conn
        st = LedgerState()
        try:
            st.accounts = [decode(Account, json.loads(d)) for (d,) in c.execute(
                "SELECT data FROM accounts ORDER BY rowid")]
            st.cash = {(a, Currency(cur)): amt for a, cur, amt in c.execute("SELECT * FROM cash")}
            st.orders = [decode(Order, json.loads(d)) for (d,) in c.execute(
                "SELECT data FROM orders ORDER BY order_id")]
            st.fills = [decode(Fill, json.loads(d)) for (d,) in c.execute(
                "SELECT data FROM fills ORDER BY fill_id")]
            st.positions = [decode(Position, json.loads(d)) for (d,) in c.execute(
                "SELECT data FROM positions ORDER BY rowid")]
            st.cash_flows = [decode(CashFlow, json.loads(d)) for (d,) in c.execute(
                "SELECT data FROM cash_flows ORDER BY cashflow_id")]
            st.counters = dict(c.execute("SELECT name, value FROM counters"))
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError) as exc:
            raise LedgerError(f"{self.path}: broker ledger content is corrupt ({exc})") from exc
        return st

    def commit(self, batch: LedgerBatch) -> None:
        """Write ``batch`` in one durable transaction."""
        if not batch:
            return
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            for a in batch.accounts:
                c.execute("INSERT OR REPLACE INTO accounts VALUES (?, ?)", (a.acc_id, _dump(a)))
            for (acc, cur), amt in batch.cash.items():
                c.execute("INSERT OR REPLACE INTO cash VALUES (?, ?, ?)", (acc, int(cur), amt))
            for o in batch.orders.values():
                c.execute(
                    "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?)",
                    (o.order_id, o.acc_id, o.order_id_ex, o.create_time.isoformat(), int(o.order_status), _dump(o)),
                )
            for f in batch.fills:
                c.execute(
                    "INSERT INTO fills VALUES (?, ?, ?, ?, ?)",
                    (f.fill_id, f.acc_id, f.order_id, f.create_time.isoformat(), _dump(f)),
                )
            for (acc, code), p in batch.positions.items():
                c.execute("INSERT OR REPLACE INTO positions VALUES (?, ?, ?)", (acc, code, _dump(p)))
            for cf in batch.cash_flows:
                c.execute(
                    "INSERT INTO cash_flows VALUES (?, ?, ?, ?)",
                    (cf.cashflow_id, cf.acc_id, cf.clearing_date.isoformat(), _dump(cf)),
                )
            for name, value in batch.counters.items():
                c.execute("INSERT OR REPLACE INTO counters VALUES (?, ?)", (name, value))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._conn.close()
