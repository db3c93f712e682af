"""The user's own quote data that survives restarts: watchlists, price
reminders and the history K-line quota ledger (SQLite in the data folder).

Codes are the API's "HK.00700" strings; the caller validates them.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

SCHEMA_VERSION = 1
HISTORY_KL_WINDOW_SECONDS = 30 * 86400  # docs L216-L220, L5054-L5057
REMINDERS_PER_TYPE_PER_SECURITY = 10  # docs L5158
REMINDER_NOTE_MAX = 20  # docs L5079
ALL_CAP_NEVER_TRADED = 500  # docs L5466
ALL_CAP_TRADED = 2000  # docs L5466

# System watchlist groups and which codes they show (docs L5330-L5344).
SYSTEM_GROUPS = ("All", "CN", "HK", "US", "Options", "HK options", "US options", "Starred", "Futures")


class GroupType(IntEnum):
    UNKNOWN = 0
    CUSTOM = 1
    SYSTEM = 2
    ALL = 3


class WatchlistOp(IntEnum):
    ADD = 1
    DEL = 2  # remove from every group
    MOVE_OUT = 3  # remove from this group only


class ReminderOp(IntEnum):
    ADD = 1
    DEL = 2
    ENABLE = 3
    DISABLE = 4
    MODIFY = 5
    DEL_ALL = 6


class ReminderType(IntEnum):
    PRICE_UP = 1
    PRICE_DOWN = 2
    CHANGE_RATE_UP = 3
    CHANGE_RATE_DOWN = 4
    CHANGE_RATE_UP_5MIN = 5
    CHANGE_RATE_DOWN_5MIN = 6
    VOLUME_UP = 7
    TURNOVER_UP = 8
    TURNOVER_RATE_UP = 9
    BID_PRICE_UP = 10
    ASK_PRICE_DOWN = 11
    BID_VOL_UP = 12
    ASK_VOL_UP = 13
    CHANGE_RATE_UP_3MIN = 14
    CHANGE_RATE_DOWN_3MIN = 15


class ReminderFreq(IntEnum):
    ALWAYS = 1
    ONCE_A_DAY = 2
    ONLY_ONCE = 3


class ReminderSession(IntEnum):
    """Qot_Common.PriceReminderMarketStatus: when a (US) reminder may fire."""

    OPEN = 1
    US_PRE = 2
    US_AFTER = 3
    US_OVERNIGHT = 4


class UserDataError(ValueError):
    """A request broke a documented rule; nothing was changed."""


@dataclass(slots=True)
class PriceReminder:
    key: int
    code: str
    reminder_type: int
    freq: int
    value: float
    note: str
    enabled: bool = True
    sessions: list[int] = field(default_factory=list)


@dataclass(slots=True)
class QuotaUse:
    code: str
    consumed_at: float  # when the unit was taken; freed 30 days later
    last_request_at: float


def reminder_value_floor(reminder_type: int, value: float, is_a_share: bool) -> float:
    """Round the threshold down to the type's precision (docs L5147-L5153)."""
    if reminder_type == ReminderType.TURNOVER_UP:
        step = 10.0
    elif reminder_type == ReminderType.VOLUME_UP:
        step = 1000.0 if is_a_share else 10.0
    elif reminder_type in (ReminderType.BID_VOL_UP, ReminderType.ASK_VOL_UP) and is_a_share:
        step = 100.0
    else:
        return math.floor(value * 1000 + 1e-9) / 1000
    return math.floor(value / step + 1e-9) * step


class UserDataStore:
    """Durable user data; every change is committed before returning."""

    def __init__(self, path: str | Path, custom_groups: tuple[str, ...] = ()) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._last_key = 0
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise UserDataError(f"{self.path} is not an openfutu user-data database: {exc}") from exc
        for name in custom_groups:
            self.create_custom_group(name)

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise UserDataError(
                f"{self.path} has schema {version}, newer than this openfutu ({SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION:
            return
        with self._db:
            self._db.executescript(
                """
                CREATE TABLE watch_group (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
                CREATE TABLE watch_item (grp TEXT NOT NULL, code TEXT NOT NULL,
                    position INTEGER NOT NULL, PRIMARY KEY (grp, code));
                CREATE TABLE reminder (key INTEGER PRIMARY KEY, code TEXT NOT NULL,
                    type INTEGER NOT NULL, freq INTEGER NOT NULL, value REAL NOT NULL,
                    note TEXT NOT NULL, enabled INTEGER NOT NULL, sessions TEXT NOT NULL);
                CREATE TABLE kl_quota (code TEXT PRIMARY KEY, consumed_at REAL NOT NULL,
                    last_request_at REAL NOT NULL);
                """
            )
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    # -- watchlists ------------------------------------------------------
    def create_custom_group(self, name: str) -> None:
        if name in SYSTEM_GROUPS:
            raise UserDataError(f"{name!r} is a system group")
        with self._lock, self._db:
            (count,) = self._db.execute("SELECT COUNT(*) FROM watch_group").fetchone()
            self._db.execute(
                "INSERT OR IGNORE INTO watch_group(name, position) VALUES (?, ?)", (name, count)
            )

    def custom_groups(self) -> list[str]:
        rows = self._db.execute("SELECT name FROM watch_group ORDER BY position").fetchall()
        return [name for (name,) in rows]

    def groups(self, group_type: int) -> list[tuple[str, GroupType]]:
        out: list[tuple[str, GroupType]] = []
        if group_type in (GroupType.SYSTEM, GroupType.ALL):
            out += [(name, GroupType.SYSTEM) for name in SYSTEM_GROUPS]
        if group_type in (GroupType.CUSTOM, GroupType.ALL):
            out += [(name, GroupType.CUSTOM) for name in self.custom_groups()]
        if not out and group_type not in (GroupType.SYSTEM, GroupType.CUSTOM, GroupType.ALL):
            raise UserDataError(f"unknown group type {group_type}")
        return out

    def all_codes(self) -> list[str]:
        """The "All" list: everything in any group, first added first."""
        rows = self._db.execute(
            "SELECT code FROM watch_item GROUP BY code ORDER BY MIN(position)"
        ).fetchall()
        return [code for (code,) in rows]

    def group_codes(self, name: str) -> list[str]:
        if name not in self.custom_groups():
            raise UserDataError(f"unknown watchlist group {name!r}")
        rows = self._db.execute(
            "SELECT code FROM watch_item WHERE grp=? ORDER BY position", (name,)
        ).fetchall()
        return [code for (code,) in rows]

    def modify_group(self, name: str, op: int, codes: list[str], all_cap: int,
                     create: bool = False) -> None:
        """ADD / DEL / MOVE_OUT on a custom group (docs L5462-L5467).  With
        ``create`` an unknown group is created in the same transaction, so a
        refused request leaves no empty group behind."""
        if name in SYSTEM_GROUPS:
            raise UserDataError("only custom groups can be modified")
        known_group = name in self.custom_groups()
        if not known_group and not create:
            raise UserDataError(f"unknown watchlist group {name!r}")
        if op not in WatchlistOp.__members__.values():
            raise UserDataError(f"unknown watchlist operation {op}")
        with self._lock, self._transaction():
            if not known_group:
                (count,) = self._db.execute("SELECT COUNT(*) FROM watch_group").fetchone()
                self._db.execute("INSERT INTO watch_group(name, position) VALUES (?, ?)", (name, count))
            if op == WatchlistOp.ADD:
                known = set(self.all_codes())
                new = [c for c in dict.fromkeys(codes) if c not in known]
                if len(known) + len(new) > all_cap:
                    raise UserDataError(f"the All watchlist is limited to {all_cap} securities")
                (top,) = self._db.execute("SELECT COALESCE(MAX(position), -1) FROM watch_item").fetchone()
                for offset, code in enumerate(dict.fromkeys(codes), start=1):
                    self._db.execute(
                        "INSERT OR IGNORE INTO watch_item(grp, code, position) VALUES (?, ?, ?)",
                        (name, code, top + offset),
                    )
            elif op == WatchlistOp.DEL:
                self._db.executemany("DELETE FROM watch_item WHERE code=?", [(c,) for c in codes])
            else:
                self._db.executemany(
                    "DELETE FROM watch_item WHERE grp=? AND code=?", [(name, c) for c in codes]
                )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """All or nothing (the connection autocommits outside one)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- price reminders -------------------------------------------------
    def reminders(self, codes: set[str] | None = None) -> list[PriceReminder]:
        rows = self._db.execute(
            "SELECT key, code, type, freq, value, note, enabled, sessions FROM reminder ORDER BY key"
        ).fetchall()
        out = [
            PriceReminder(k, c, t, f, v, n, bool(e), [int(s) for s in ss.split(",") if s])
            for (k, c, t, f, v, n, e, ss) in rows
        ]
        return out if codes is None else [r for r in out if r.code in codes]

    def reminder(self, key: int) -> PriceReminder | None:
        for r in self.reminders():
            if r.key == key:
                return r
        return None

    def next_reminder_key(self, now_ms: int) -> int:
        """A fresh reminder key shaped like Futu's (epoch milliseconds then six
        digits, docs L5138 example 1744022257023211123), never one in use,
        strictly increasing within a run."""
        with self._lock:
            (top,) = self._db.execute("SELECT COALESCE(MAX(key), 0) FROM reminder").fetchone()
            self._last_key = max(int(now_ms) * 1_000_000, int(top) + 1, self._last_key + 1)
            return self._last_key

    def set_reminder(
        self,
        code: str,
        op: int,
        key: int | None,
        reminder: PriceReminder | None,
        new_key: int,
    ) -> int:
        """Apply one set_price_reminder operation; returns the key operated on."""
        with self._lock, self._db:
            if op == ReminderOp.ADD:
                assert reminder is not None
                self._check_reminder(code, reminder, exclude_key=None)
                self._db.execute(
                    "INSERT INTO reminder VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                    (new_key, code, reminder.reminder_type, reminder.freq, reminder.value,
                     reminder.note, ",".join(map(str, reminder.sessions))),
                )
                return new_key
            if op == ReminderOp.DEL_ALL:
                self._db.execute("DELETE FROM reminder WHERE code=?", (code,))
                return 0
            row = self._db.execute("SELECT code FROM reminder WHERE key=?", (key,)).fetchone()
            if row is None or row[0] != code:
                raise UserDataError(f"no price reminder with key {key} for {code}")
            if op == ReminderOp.DEL:
                self._db.execute("DELETE FROM reminder WHERE key=?", (key,))
            elif op in (ReminderOp.ENABLE, ReminderOp.DISABLE):
                self._db.execute(
                    "UPDATE reminder SET enabled=? WHERE key=?", (int(op == ReminderOp.ENABLE), key)
                )
            elif op == ReminderOp.MODIFY:
                assert reminder is not None
                self._check_reminder(code, reminder, exclude_key=key)
                self._db.execute(
                    "UPDATE reminder SET type=?, freq=?, value=?, note=?, sessions=? WHERE key=?",
                    (reminder.reminder_type, reminder.freq, reminder.value, reminder.note,
                     ",".join(map(str, reminder.sessions)), key),
                )
            else:
                raise UserDataError(f"unknown price reminder operation {op}")
            return int(key)  # type: ignore[arg-type]

    def _check_reminder(self, code: str, reminder: PriceReminder, exclude_key: int | None) -> None:
        if reminder.reminder_type not in ReminderType.__members__.values():
            raise UserDataError(f"unknown price reminder type {reminder.reminder_type}")
        if reminder.freq not in ReminderFreq.__members__.values():
            raise UserDataError(f"unknown price reminder frequency {reminder.freq}")
        if any(v not in ReminderSession.__members__.values() for v in reminder.sessions):
            raise UserDataError(f"unknown reminder session in {reminder.sessions}")
        if not math.isfinite(reminder.value):
            raise UserDataError("the reminder value must be a finite number")
        if len(reminder.note) > REMINDER_NOTE_MAX:
            raise UserDataError(f"note is limited to {REMINDER_NOTE_MAX} characters")
        (count,) = self._db.execute(
            "SELECT COUNT(*) FROM reminder WHERE code=? AND type=? AND key IS NOT ?",
            (code, reminder.reminder_type, exclude_key),
        ).fetchone()
        if count >= REMINDERS_PER_TYPE_PER_SECURITY:
            raise UserDataError(
                f"at most {REMINDERS_PER_TYPE_PER_SECURITY} reminders per type per security"
            )

    # -- history K-line quota --------------------------------------------
    def quota_uses(self, now: float) -> list[QuotaUse]:
        """Units taken in the last 30 days, oldest first."""
        rows = self._db.execute(
            "SELECT code, consumed_at, last_request_at FROM kl_quota WHERE consumed_at > ? "
            "ORDER BY consumed_at",
            (now - HISTORY_KL_WINDOW_SECONDS,),
        ).fetchall()
        return [QuotaUse(*row) for row in rows]

    def charge_history_kline(self, code: str, now: float, quota: int) -> bool:
        """Record a history K-line request for ``code``; a code already
        charged within 30 days costs nothing (docs L216-L220). Returns False,
        changing nothing, when a new unit is needed and none remain."""
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT consumed_at FROM kl_quota WHERE code=?", (code,)
            ).fetchone()
            if row is not None and row[0] > now - HISTORY_KL_WINDOW_SECONDS:
                self._db.execute("UPDATE kl_quota SET last_request_at=? WHERE code=?", (now, code))
                return True
            (used,) = self._db.execute(
                "SELECT COUNT(*) FROM kl_quota WHERE consumed_at > ?",
                (now - HISTORY_KL_WINDOW_SECONDS,),
            ).fetchone()
            if used >= quota:
                return False
            self._db.execute(
                "INSERT OR REPLACE INTO kl_quota(code, consumed_at, last_request_at) VALUES (?, ?, ?)",
                (code, now, now),
            )
            return True
