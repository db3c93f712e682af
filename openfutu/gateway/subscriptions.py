"""Real-time subscriptions and their quota (docs L1674-L1680, L12116-L12132).

One quota unit per (security, SubType), shared by every connection: the
unit is freed only when the last connection holding it lets go. A
subscription can be cancelled only once it is a minute old; a closed
connection's subscriptions are dropped once they are a minute old.
Times are seconds on the market clock, passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_HOLD_SECONDS = 60.0  # docs L1678, L12118-L12122
SF_ORDER_BOOK_CAP = 50  # docs L1679: HK SF order books at once
SUBTYPE_ORDER_BOOK = 2  # Qot_Common.SubType_OrderBook

SubKey = tuple[str, int]  # (security code "HK.00700", SubType wire value)


class SubscriptionError(Exception):
    """A subscribe/unsubscribe request broke a documented rule."""


@dataclass(slots=True)
class Holding:
    """One connection's hold on one (security, SubType)."""

    since: float
    push: bool = True
    first_push: bool = True
    extended_time: bool = False
    detailed_order_book: bool = False
    session: int = 0
    rehab_types: tuple[int, ...] = ()


@dataclass(slots=True)
class ConnectionSubscriptions:
    holdings: dict[SubKey, Holding] = field(default_factory=dict)
    closed: bool = False


class SubscriptionBook:
    def __init__(self, quota: int, hk_order_book_cap: int | None = None,
                 sf_order_book_cap: int = SF_ORDER_BOOK_CAP) -> None:
        self.quota = quota
        self.hk_order_book_cap = hk_order_book_cap
        # SF (order-detail) HK books are capped whatever the HK right is
        self.sf_order_book_cap = sf_order_book_cap
        self._connections: dict[int, ConnectionSubscriptions] = {}
        # (code, subtype) -> connection IDs holding it
        self._holders: dict[SubKey, set[int]] = {}
        # bumped on every change so readers can cache derived views
        self.version = 0

    # -- figures -----------------------------------------------------------
    @property
    def used(self) -> int:
        return len(self._holders)

    @property
    def remain(self) -> int:
        return max(0, self.quota - self.used)

    def used_by(self, conn_id: int) -> int:
        conn = self._connections.get(conn_id)
        return len(conn.holdings) if conn else 0

    def holdings(self, conn_id: int) -> dict[SubKey, Holding]:
        conn = self._connections.get(conn_id)
        return dict(conn.holdings) if conn else {}

    def connection_ids(self) -> list[int]:
        return [cid for cid, conn in self._connections.items() if conn.holdings]

    def is_subscribed(self, conn_id: int, key: SubKey) -> bool:
        conn = self._connections.get(conn_id)
        return bool(conn and key in conn.holdings)

    def any_subscribed(self, key: SubKey) -> bool:
        return key in self._holders

    def push_targets(self, key: SubKey) -> list[int]:
        """Open connections that receive pushes for ``key``."""
        out = []
        for conn_id in self._holders.get(key, ()):
            conn = self._connections[conn_id]
            if not conn.closed and conn.holdings[key].push:
                out.append(conn_id)
        return out

    def keys(self) -> list[SubKey]:
        return list(self._holders)

    def holding(self, conn_id: int, key: SubKey) -> Holding | None:
        conn = self._connections.get(conn_id)
        return conn.holdings.get(key) if conn else None

    def pushing_holdings(self) -> dict[SubKey, list[Holding]]:
        """Holdings of open connections with pushes on, by key."""
        out: dict[SubKey, list[Holding]] = {}
        for conn in self._connections.values():
            if conn.closed:
                continue
            for key, holding in conn.holdings.items():
                if holding.push:
                    out.setdefault(key, []).append(holding)
        return out

    def is_closed(self, conn_id: int) -> bool:
        conn = self._connections.get(conn_id)
        return bool(conn and conn.closed)

    # -- changes -----------------------------------------------------------
    def subscribe(self, conn_id: int, keys: list[SubKey], at: float, **options: object) -> list[SubKey]:
        """Add holds; all or nothing. Returns the keys newly held by this
        connection (those get a first push when asked)."""
        conn = self._connections.setdefault(conn_id, ConnectionSubscriptions())
        if conn.closed:
            raise SubscriptionError("connection is closed")
        fresh = [k for k in dict.fromkeys(keys) if k not in conn.holdings]
        new_units = [k for k in fresh if k not in self._holders]
        if len(new_units) > self.remain:
            raise SubscriptionError(
                f"subscription quota exceeded: {len(new_units)} more needed, "
                f"{self.remain} of {self.quota} remain"
            )
        if self.hk_order_book_cap is not None:
            books = {k for k in self._holders if _is_hk_order_book(k)}
            books.update(k for k in new_units if _is_hk_order_book(k))
            if len(books) > self.hk_order_book_cap:
                raise SubscriptionError(
                    f"at most {self.hk_order_book_cap} HK order books can be subscribed at once"
                )
        if options.get("detailed_order_book"):
            sf_books = self._sf_books()
            sf_books.update(k for k in dict.fromkeys(keys) if _is_hk_order_book(k))
            if len(sf_books) > self.sf_order_book_cap:
                # docs L1679
                raise SubscriptionError(
                    f"at most {self.sf_order_book_cap} HK SF order books can be subscribed at once"
                )
        self.version += 1
        for key in dict.fromkeys(keys):
            holding = conn.holdings.get(key)
            if holding is None:
                conn.holdings[key] = Holding(since=at, **options)  # type: ignore[arg-type]
                self._holders.setdefault(key, set()).add(conn_id)
            else:  # re-subscribing updates options but keeps the age
                for name, value in options.items():
                    setattr(holding, name, value)
        return fresh

    def _sf_books(self) -> set[SubKey]:
        out: set[SubKey] = set()
        for conn in self._connections.values():
            out.update(k for k, h in conn.holdings.items() if h.detailed_order_book and _is_hk_order_book(k))
        return out

    def set_push(self, conn_id: int, keys: list[SubKey], push: bool,
                 rehab_types: tuple[int, ...] | None = None) -> None:
        conn = self._connections.get(conn_id)
        if conn is None:
            return
        for key in keys:
            holding = conn.holdings.get(key)
            if holding is not None:
                holding.push = push
                if rehab_types is not None:
                    holding.rehab_types = rehab_types
        self.version += 1

    def unsubscribe(self, conn_id: int, keys: list[SubKey], at: float) -> None:
        """Drop holds; all or nothing. Holds younger than a minute refuse."""
        conn = self._connections.get(conn_id)
        held = [k for k in dict.fromkeys(keys) if conn and k in conn.holdings]
        young = [k for k in held if at - conn.holdings[k].since < MIN_HOLD_SECONDS]  # type: ignore[union-attr]
        if young:
            code, _ = young[0]
            raise SubscriptionError(
                f"unsubscribe is allowed only 1 minute after subscribing ({code})"
            )
        for key in held:
            self._release(conn_id, key)
        self.version += 1

    def unsubscribe_all(self, conn_id: int, at: float) -> None:
        conn = self._connections.get(conn_id)
        if conn is not None:
            self.unsubscribe(conn_id, list(conn.holdings), at)

    def connection_closed(self, conn_id: int, at: float) -> None:
        """Stop pushing to the connection; its holds go once a minute old."""
        conn = self._connections.get(conn_id)
        if conn is None:
            return
        conn.closed = True
        self.version += 1
        self.expire(at)

    def expire(self, at: float) -> list[SubKey]:
        """Release the minute-old holds of closed connections; returns the
        quota units that became free."""
        freed: list[SubKey] = []
        for conn_id, conn in list(self._connections.items()):
            if not conn.closed:
                continue
            for key, holding in list(conn.holdings.items()):
                if at - holding.since >= MIN_HOLD_SECONDS and self._release(conn_id, key):
                    freed.append(key)
            if not conn.holdings:
                del self._connections[conn_id]
        if freed:
            self.version += 1
        return freed

    def _release(self, conn_id: int, key: SubKey) -> bool:
        conn = self._connections[conn_id]
        del conn.holdings[key]
        holders = self._holders[key]
        holders.discard(conn_id)
        if not holders:
            del self._holders[key]
            return True
        return False


def _is_hk_order_book(key: SubKey) -> bool:
    code, subtype = key
    return subtype == SUBTYPE_ORDER_BOOK and code.startswith("HK.")
