"""FakeMarket: a scripted MarketView for broker tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from openfutu.broker.enums import Currency, TrdSecMarket
from openfutu.broker.market_view import (
    BookLevel,
    BookView,
    InstrumentInfo,
    InstrumentKind,
    MarketTrade,
    SessionPhase,
)

HK_TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=HK_TZ)  # a Monday, HK morning session


def default_instruments() -> dict[str, InstrumentInfo]:
    return {
        "HK.00700": InstrumentInfo("HK.00700", "TENCENT", TrdSecMarket.HK, InstrumentKind.STOCK, 100,
                                   Currency.HKD, "Asia/Hong_Kong", prev_close=360.0),
        "HK.02800": InstrumentInfo("HK.02800", "TRACKER FUND", TrdSecMarket.HK, InstrumentKind.ETF, 500,
                                   Currency.HKD, "Asia/Hong_Kong", prev_close=20.0),
        "US.AAPL": InstrumentInfo("US.AAPL", "Apple", TrdSecMarket.US, InstrumentKind.STOCK, 1,
                                  Currency.USD, "America/New_York", prev_close=200.0),
        "SH.600519": InstrumentInfo("SH.600519", "KWEICHOW MOUTAI", TrdSecMarket.CN_SH, InstrumentKind.STOCK, 100,
                                    Currency.CNH, "Asia/Shanghai", prev_close=1500.0, limit_up=1650.0,
                                    limit_down=1350.0, shortable=False),
        "HK.HSImain": InstrumentInfo("HK.HSImain", "HSI MAIN", TrdSecMarket.HK, InstrumentKind.FUTURE, 1,
                                     Currency.HKD, "Asia/Hong_Kong", multiplier=50.0,
                                     tick_size=lambda p: 1.0, prev_close=20000.0),
        "HK.800000": InstrumentInfo("HK.800000", "HSI", TrdSecMarket.HK, InstrumentKind.INDEX, 1,
                                    Currency.HKD, "Asia/Hong_Kong"),
    }


@dataclass
class FakeMarket:
    """Implements openfutu.broker.market_view.MarketView from scripted data."""

    clock: dt.datetime = T0
    instruments: dict[str, InstrumentInfo] = field(default_factory=default_instruments)
    books: dict[str, BookView] = field(default_factory=dict)
    prints: dict[str, list[MarketTrade]] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)
    phases: dict[str, SessionPhase] = field(default_factory=dict)

    def now(self) -> dt.datetime:
        return self.clock

    def instrument(self, code: str) -> InstrumentInfo | None:
        return self.instruments.get(code)

    def book(self, code: str) -> BookView:
        return self.books.get(code, BookView((), ()))

    def last_price(self, code: str) -> float | None:
        return self.last.get(code)

    def trade_cursor(self, code: str) -> int:
        return len(self.prints.get(code, []))

    def trades_since(self, code: str, cursor: int):
        seq = self.prints.get(code, [])
        return seq[cursor:], len(seq)

    def session_phase(self, code: str, at: dt.datetime) -> SessionPhase:
        return self.phases.get(code, SessionPhase.CONTINUOUS)

    # --- scripting helpers
    def set_book(self, code: str, bids: list[tuple[float, float]], asks: list[tuple[float, float]]) -> None:
        self.books[code] = BookView(tuple(BookLevel(p, v) for p, v in bids), tuple(BookLevel(p, v) for p, v in asks))
        if bids and asks:
            self.last.setdefault(code, (bids[0][0] + asks[0][0]) / 2)

    def trade(self, code: str, price: float, volume: float, auction: bool = False) -> None:
        self.prints.setdefault(code, []).append(MarketTrade(price, volume, self.clock, auction))
        self.last[code] = price

    def advance(self, seconds: float = 1.0) -> dt.datetime:
        self.clock = self.clock + dt.timedelta(seconds=seconds)
        return self.clock



def acc(broker, label_market, sim=None, cash: bool | None = None) -> int:
    """acc_id of the first account with this market right (and account type)."""
    from openfutu.broker.enums import TrdAccType

    for a in broker.get_accounts():
        if label_market not in a.trdmarket_auth:
            continue
        if sim is not None and a.sim_acc_type != sim:
            continue
        if cash is not None and (a.acc_type == TrdAccType.CASH) != cash:
            continue
        return a.acc_id
    raise LookupError(label_market)
