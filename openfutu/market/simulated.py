"""SimulatedMarket: the one object the gateway and the broker talk to.

It ties the universe to the price engine, order books and K-lines, binds a
clock, and prices derivatives from their underlyings: an option, warrant or
futures contract's daily and minute bars are its model value (BSM/BAW on a
volatility surface, HK warrant/CBBC/inline formulas, cost of carry) applied
to the underlying's bars, so a call rises with its stock and a future stays
near its index.  Everything is a pure function of (seed, universe, time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import numpy as np

from openfutu.market.derivatives.futures import futures_fair_value
from openfutu.market.derivatives.options import ExerciseStyle, OptionRight, option_price
from openfutu.market.derivatives.surface import VolatilitySurface
from openfutu.market.derivatives.warrants import (
    WarrantKind,
    cbbc_residual_value,
    cbbc_value,
    first_knock_out,
    inline_warrant_value,
    warrant_value,
)
from openfutu.market.klines import KLineSource
from openfutu.market.model import Instrument, MarketState, QotMarket, SecurityType
from openfutu.market.orderbook import BrokerQueue, OrderBook, OrderBookSource
from openfutu.market.prices import (
    DailySeries,
    MinuteSeries,
    PriceEngine,
    Quote,
    Tick,
    TimeSharePoint,
)
from openfutu.market.universe import FutureTerms, OptionTerms, UnknownSecurity, Universe, WarrantTerms

__all__ = ["Clock", "SimulatedMarket", "DerivativePriceEngine", "carry_of"]


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class _RealClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


# Annual risk-free rate and dividend yield by currency: round figures that
# give index futures their usual sign of basis (HK and JP at a discount from
# dividends, US at a premium).
_RATES: dict[str, tuple[float, float]] = {
    "HKD": (0.035, 0.040), "USD": (0.045, 0.013), "CNY": (0.018, 0.025),
    "JPY": (0.005, 0.020), "SGD": (0.030, 0.030),
}


def carry_of(currency: str) -> tuple[float, float]:
    """(rate, dividend yield) used to price derivatives in ``currency``."""
    return _RATES.get(currency, (0.03, 0.02))


_YEAR_SECONDS = 365.0 * 86400.0


def _is_derivative(inst: Instrument) -> bool:
    return isinstance(inst.terms, (OptionTerms, WarrantTerms, FutureTerms))


class DerivativePriceEngine(PriceEngine):
    """A PriceEngine whose options, warrants and futures (with an underlying
    in the universe) are priced from that underlying's bars.  Volumes and
    trade counts still come from the base engine's own liquidity model."""

    def __init__(self, seed: int, universe: Universe, **kwargs: Any) -> None:
        super().__init__(seed, universe, **kwargs)
        self.universe = universe
        self._surfaces: dict[str, VolatilitySurface] = {}
        self._knock_outs: dict[str, tuple[dt.date, dt.date | None]] = {}
        self._zones: dict[str, Any] = {}

    # ------------------------------------------------------------- model

    def _underlying_code(self, inst: Instrument) -> str | None:
        if not _is_derivative(inst) or inst.owner is None:
            return None
        code = str(inst.owner)
        return code if self.universe.instrument(code) is not None else None

    def _surface(self, owner: Instrument) -> VolatilitySurface:
        hit = self._surfaces.get(owner.code)
        if hit is None:
            kind = "index" if owner.sec_type in (SecurityType.INDEX, SecurityType.TRUST) else "stock"
            hit = VolatilitySurface.for_underlying(max(owner.volatility, 0.05), kind)
            self._surfaces[owner.code] = hit
        return hit

    def _expiry_instant(self, inst: Instrument, day: dt.date) -> float:
        """Epoch seconds of the contract's end (its last day's close, UTC approx.)."""
        tz = self._zones.get(inst.code)
        if tz is None:
            tz = self._zones[inst.code] = self.timezone(inst.code)
        close = dt.datetime.combine(day, dt.time(16, 0), tz)
        return close.timestamp()

    def _future_last_trade(self, terms: FutureTerms, day: dt.date) -> dt.date:
        if terms.last_trade_date is not None:
            return terms.last_trade_date
        return self.universe.contract_last_trade(terms.root, day)

    def model_values(self, inst: Instrument, spot: np.ndarray, when: np.ndarray,
                     days: list[dt.date] | None = None) -> np.ndarray:
        """Model price of ``inst`` for underlying prices ``spot`` at epoch
        seconds ``when`` (same shape).  ``days`` (local trading day of each
        value) lets main futures roll from contract to contract."""
        terms = inst.terms
        spot = np.maximum(np.asarray(spot, float), 1e-9)
        rate, q = carry_of(inst.currency)
        if isinstance(terms, FutureTerms):
            if terms.last_trade_date is not None:
                end = self._expiry_instant(inst, terms.last_trade_date)
                years = np.maximum(end - when, 0.0) / _YEAR_SECONDS
            else:
                assert days is not None
                ends = np.array([self._expiry_instant(inst, self._future_last_trade(terms, d)) for d in days])
                years = np.maximum(ends - when, 0.0) / _YEAR_SECONDS
            return np.asarray(futures_fair_value(spot, years, rate, q), float)
        owner = self.instrument(str(inst.owner))
        if isinstance(terms, OptionTerms):
            end = self._expiry_instant(inst, terms.strike_time)
            years = np.maximum(end - when, 0.0) / _YEAR_SECONDS
            forward = spot * np.exp((rate - q) * years)
            vol = np.asarray(self._surface(owner).volatility(terms.strike_price, forward, years), float)
            style = terms.exercise_style if terms.exercise_style != ExerciseStyle.UNKNOWN else ExerciseStyle.AMERICAN
            right = terms.option_type
            return np.asarray(option_price(spot, terms.strike_price, years, vol, rate, q, right, style), float)
        assert isinstance(terms, WarrantTerms)
        end = self._expiry_instant(inst, terms.maturity_date)
        years = np.maximum(end - when, 0.0) / _YEAR_SECONDS
        vol = max(owner.volatility * 1.1, 0.05)  # issuers quote a little above historical vol
        kind = terms.warrant_type
        if kind in (WarrantKind.CALL, WarrantKind.PUT):
            value = warrant_value(spot, terms.strike_price, years, vol, terms.conversion_ratio, rate, q, kind)
        elif kind in (WarrantKind.BULL, WarrantKind.BEAR):
            value = cbbc_value(spot, terms.strike_price, terms.call_price, years, terms.conversion_ratio,
                               rate + 0.02, kind)
        else:
            # inline payout is per warrant (HKD 1 inside / 0.25 outside)
            value = inline_warrant_value(spot, terms.lower_strike_price, terms.upper_strike_price, years, vol,
                                         rate, q)
        return np.asarray(value, float)

    def _base_daily_shares(self, inst: Instrument) -> float:
        base = super()._base_daily_shares(inst)
        if inst.sec_type in (SecurityType.DRVT, SecurityType.WARRANT):
            # a single option series or warrant turns over a small part of a stock's value
            return max(base / 20.0, inst.lot_size * 10.0)
        return base

    def knock_out_day(self, inst: Instrument, through: dt.date | None = None) -> dt.date | None:
        """Trading day on which a CBBC's underlying first touched its call
        price since listing (the mandatory call event), looking no later than
        ``through`` (default: the universe's today), else None."""
        terms = inst.terms
        if not isinstance(terms, WarrantTerms) or terms.call_price is None:
            return None
        horizon = min(terms.last_trade_date, through or self.universe.today())
        hit = self._knock_outs.get(inst.code)
        if hit is not None and (hit[1] is not None or hit[0] >= horizon):
            return hit[1] if hit[1] is None or hit[1] <= horizon else None
        under = self._underlying_code(inst)
        result: dt.date | None = None
        if under is not None and horizon >= inst.listing_date:
            # only the underlying's history up to the horizon: never extend its
            # series into years nobody asked for
            us = self.daily_series(under, horizon)
            a = int(np.searchsorted(us.ordinals, inst.listing_date.toordinal(), side="left"))
            b = int(np.searchsorted(us.ordinals, horizon.toordinal(), side="right"))
            bull = terms.warrant_type == WarrantKind.BULL
            path = us.low[a:b] if bull else us.high[a:b]
            k = first_knock_out(path, terms.call_price, terms.warrant_type)
            result = us.days[a + k] if k is not None else None
        self._knock_outs[inst.code] = (horizon, result)
        return result

    def _tick_floor(self, inst: Instrument) -> float:
        return self.tick_rules.tick_size(inst, 0.0)

    # ------------------------------------------------------------- daily

    def _build_daily(self, code: str, end_year: int) -> DailySeries:
        inst = self.instrument(code)
        under = self._underlying_code(inst)
        base = super()._build_daily(code, end_year)
        if under is None:
            return base
        us = self.daily_series(under, dt.date(end_year, 12, 31))
        ords = np.array([d.toordinal() for d in base.days])
        pos = np.searchsorted(us.ordinals, ords, side="right") - 1
        ok = pos >= 0
        pos = np.maximum(pos, 0)
        # an underlying holiday: hold its previous close for the whole bar
        same = ok & (us.ordinals[pos] == ords)
        uo = np.where(same, us.open[pos], us.close[pos])
        uh = np.where(same, us.high[pos], us.close[pos])
        ul = np.where(same, us.low[pos], us.close[pos])
        uc = us.close[pos]
        if not ok.all():  # before the underlying's history: its first open
            first = float(us.open[0])
            uo, uh, ul, uc = (np.where(ok, x, first) for x in (uo, uh, ul, uc))
        when = np.array([self._expiry_instant(inst, d) for d in base.days])
        n = len(base.days)
        flat = self.model_values(inst, np.concatenate([uo, uh, ul, uc]), np.tile(when, 4), base.days * 4)
        f = [flat[k * n:(k + 1) * n] for k in range(4)]
        o, h, lo, c = f
        hi = np.maximum.reduce(f)
        low = np.minimum.reduce(f)
        snap = self.tick_rules.snap
        floor = self._tick_floor(inst)
        o, c, hi, low = (np.maximum(snap(inst, np.maximum(x, floor)), floor) for x in (o, c, hi, low))
        volume = base.volume
        called = self.knock_out_day(inst, base.days[-1])
        if called is not None:
            # after the call event only the residual value is left; no trading
            t: WarrantTerms = inst.terms  # type: ignore[assignment]
            k = base.days.index(called) if called in base.days else int(np.searchsorted(ords, called.toordinal()))
            j = int(np.searchsorted(us.ordinals, called.toordinal()))
            window = np.concatenate([us.low[j:j + 2], us.high[j:j + 2]])
            bull = t.warrant_type == WarrantKind.BULL
            settle = us.low[j:j + 2] if bull else us.high[j:j + 2]
            residual = cbbc_residual_value(t.strike_price, t.conversion_ratio, t.warrant_type,
                                           settle if settle.size else window)
            residual = max(float(snap(inst, np.array([max(residual, floor)]))[0]), floor)
            if k < n:
                c[k] = low[k] = residual
                o[k] = max(o[k], residual)
                hi[k] = max(hi[k], o[k])
                for arr in (o, hi, low, c):
                    arr[k + 1:] = residual
                volume = volume.copy()
                volume[k + 1:] = 0
        hi = np.maximum.reduce([hi, o, c])
        low = np.minimum.reduce([low, o, c])
        prev = np.empty_like(c)
        prev[1:] = c[:-1]
        prev[0] = o[0]
        turnover = volume * (o + hi + low + c) / 4.0
        series = DailySeries(base.days, base.ordinals, o, hi, low, c, prev, volume, turnover)
        series.cum_high = np.maximum.accumulate(hi)
        series.cum_low = np.minimum.accumulate(low)
        return series

    # ------------------------------------------------------------- minutes

    def _continuous_minutes(self, code: str, day: dt.date) -> MinuteSeries:
        base = super()._continuous_minutes(code, day)
        inst = self.instrument(code)
        under = self._underlying_code(inst)
        if under is None or not len(base):
            return base
        series = self.daily_series(code, day)
        i = series.index_of(day)
        try:
            um = self.minute_series(under, day)
        except KeyError:  # the underlying does not trade that day: keep the flat bar
            um = None
        if um is None or not len(um):
            return base
        called = self.knock_out_day(inst, day)
        if called is not None and day >= called:
            return self._called_minutes(inst, base, series, i, called == day)
        # the underlying's price at each of our minute boundaries
        t_open = base.starts.astype(float)
        t_close = t_open + 60.0
        ut = np.concatenate([um.starts.astype(float), um.starts.astype(float) + 59.999])
        up = np.concatenate([um.open, um.close])
        order = np.argsort(ut, kind="stable")
        ut, up = ut[order], up[order]
        so, sc = np.interp(t_open, ut, up), np.interp(t_close, ut, up)
        # minutes that overlap the underlying's own minute take its extremes too
        k = np.searchsorted(um.starts, base.starts)
        inside = (k < len(um)) & (um.starts[np.minimum(k, len(um) - 1)] == base.starts)
        kk = np.minimum(k, len(um) - 1)
        sh = np.where(inside, np.maximum(um.high[kk], np.maximum(so, sc)), np.maximum(so, sc))
        sl = np.where(inside, np.minimum(um.low[kk], np.minimum(so, sc)), np.minimum(so, sc))
        # one valuation instant per day: price each distinct underlying level once
        levels, back = np.unique(np.round(np.concatenate([so, sh, sl, sc]), 6), return_inverse=True)
        when = np.full(levels.size, self._expiry_instant(inst, day))
        priced = self.model_values(inst, levels, when, [day] * levels.size)[back]
        n = base.starts.size
        vals = [priced[k * n:(k + 1) * n] for k in range(4)]
        mo, mc = vals[0], vals[3]
        mh, ml = np.maximum.reduce(vals), np.minimum.reduce(vals)
        snap = self.tick_rules.snap
        d_hi, d_lo = float(series.high[i]), float(series.low[i])
        mo, mc, mh, ml = (np.clip(snap(inst, x), d_lo, d_hi) for x in (mo, mc, mh, ml))
        mo[0] = float(series.open[i])
        mc[-1] = float(series.close[i])
        mh = np.maximum.reduce([mh, mo, mc])
        ml = np.minimum.reduce([ml, mo, mc])
        tov = base.volume * (mo + mh + ml + mc) / 4.0
        return MinuteSeries(code, day, base.starts, mo, mh, ml, mc, base.volume, tov, base.sessions, base.tz)

    def _called_minutes(self, inst: Instrument, base: MinuteSeries, series: DailySeries, i: int,
                        event_day: bool) -> MinuteSeries:
        """Minutes of a called CBBC: on the event day a straight fall from the
        open to the residual value; afterwards flat and without trades."""
        n = base.starts.size
        o, c = float(series.open[i]), float(series.close[i])
        path = self.tick_rules.snap(inst, np.linspace(o, c, n + 1)) if event_day else np.full(n + 1, c)
        mo, mc = path[:-1].copy(), path[1:].copy()
        vol = base.volume if event_day else np.zeros(n, dtype=np.int64)
        mh, ml = np.maximum(mo, mc), np.minimum(mo, mc)
        tov = vol * (mo + mc) / 2.0
        return MinuteSeries(base.code, base.day, base.starts, mo, mh, ml, mc, vol, tov, base.sessions, base.tz)

    def _extended_minutes(self, code: str, day: dt.date) -> list[MinuteSeries]:
        inst = self.instrument(code)
        if inst.sec_type in (SecurityType.DRVT, SecurityType.WARRANT):
            return []  # listed options and warrants trade in regular hours only
        return super()._extended_minutes(code, day)


class SimulatedMarket:
    """Facade of the simulated market (see the module docstring)."""

    def __init__(self, seed: int = 1, clock: Clock | None = None, universe_file: str | None = None,
                 universe: Universe | None = None) -> None:
        self.seed = int(seed)
        self.clock: Clock = clock or _RealClock()
        self.universe = universe if universe is not None else Universe.builtin()
        if universe_file:
            self.universe.load_file(universe_file)
        self.prices = DerivativePriceEngine(self.seed, self.universe)
        self.books = OrderBookSource(self.prices)
        self.klines = KLineSource(self.prices)
        self.universe.bind_spot_source(self._spot_before)
        self.universe.bind_today(self._today)
        self.universe.bind_knock_out_source(self.prices.knock_out_day)

    # ------------------------------------------------------------- time

    def now(self) -> dt.datetime:
        now = self.clock.now()
        if now.tzinfo is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return now

    def _at(self, at: dt.datetime | None) -> dt.datetime:
        if at is None:
            return self.now()
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        return at

    def _today(self) -> dt.date:
        # derivative schedules follow Hong Kong's calendar day (UTC+8)
        return self.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()

    def _spot_before(self, code: str, day: dt.date) -> float:
        """Close of the last trading day before ``day``: the price a new
        contract's strikes are laid out around."""
        series = self.prices.daily_series(code, day)
        k = int(np.searchsorted(series.ordinals, day.toordinal(), side="left")) - 1
        if k < 0:
            return float(series.open[0]) if len(series.days) else self.universe.get(code).reference_price
        return float(series.close[k])

    # ------------------------------------------------------------- reference data

    def instrument(self, code: str) -> Instrument:
        return self.universe.get(code)

    def trading_days(self, market: QotMarket | str, start: dt.date, end: dt.date) -> list[dt.date]:
        """Trading days of a market in [start, end] (holidays from the calendars)."""
        if end < start:
            return []
        cal = _calendar_for_market(market)
        return list(cal.trading_days(start, end))

    def market_state(self, code: str, at: dt.datetime | None = None) -> MarketState:
        inst = self.instrument(code)
        when = self._at(at)
        try:
            from openfutu.market import calendars as _cal

            product = getattr(_cal, "product_class_of", None)
            market = _cal.trading_market_of(inst)
            cal = _cal.calendar_for(market, product(inst)) if product else _cal.calendar_for(market)
            return MarketState(int(cal.state_at(when)))
        except ImportError:
            return _fallback_state(self.prices, code, when)

    # ------------------------------------------------------------- prices

    def quote(self, code: str, at: dt.datetime | None = None) -> Quote:
        self.instrument(code)
        return self.prices.quote_at(code, self._at(at))

    def quotes(self, codes: list[str], at: dt.datetime | None = None) -> list[Quote]:
        when = self._at(at)
        return [self.quote(c, when) for c in codes]

    def order_book(self, code: str, at: dt.datetime | None = None, depth: int = 10) -> OrderBook:
        self.instrument(code)
        return self.books.order_book_at(code, self._at(at), depth)

    def broker_queue(self, code: str, at: dt.datetime | None = None) -> BrokerQueue:
        self.instrument(code)
        return self.books.broker_queue_at(code, self._at(at))

    def ticks(self, code: str, count: int, at: dt.datetime | None = None) -> list[Tick]:
        self.instrument(code)
        return self.prices.last_ticks(code, self._at(at), count)

    def time_share(self, code: str, at: dt.datetime | None = None, extended: bool = False) -> list[TimeSharePoint]:
        self.instrument(code)
        return self.prices.time_share(code, self._at(at), extended)

    def underlying_price(self, code: str, at: dt.datetime | None = None) -> float:
        """Last price of a derivative's underlying (its own last price otherwise)."""
        inst = self.instrument(code)
        target = str(inst.owner) if inst.owner is not None and str(inst.owner) in self.universe else code
        return self.quote(target, at).last_price

    def model_price(self, code: str, at: dt.datetime | None = None) -> float:
        """Fair value of a derivative from its underlying's last price at ``at``,
        valued at the close of the trading day as the bars are (no tick rounding)."""
        inst = self.instrument(code)
        when = self._at(at)
        under = self.prices._underlying_code(inst)
        if under is None:
            raise ValueError(f"{code} is not a derivative priced from an underlying")
        spot = self.quote(under, when).last_price
        day = self.prices.session_day(code, when) or when.astimezone(self.prices.timezone(code)).date()
        # bars value a whole trading day at its close (time decay steps daily)
        instant = self.prices._expiry_instant(inst, day)
        return float(self.prices.model_values(inst, np.array([spot]), np.array([instant]), [day])[0])

    def option_price(self, code: str, at: dt.datetime | None = None) -> float:
        """Model price of an option, warrant or futures contract (see model_price)."""
        return self.model_price(code, at)

    def close(self) -> None:
        """Nothing to release: all state is in memory."""


def _calendar_for_market(market: QotMarket | str) -> Any:
    """The trading calendar of a quote market (QotMarket or "HK", "HK_FUTURE", "SH", ...)."""
    key = market.name if isinstance(market, QotMarket) else str(market).upper()
    name = {"HK_SECURITY": "HK", "HK_FUTURE": "HK_FUTURE", "US_SECURITY": "US", "CNSH_SECURITY": "SH",
            "CNSZ_SECURITY": "SZ", "SG_SECURITY": "SG", "JP_SECURITY": "JP", "MY_SECURITY": "MY"}.get(key, key)
    region = {"HK": "HK", "HK_FUTURE": "HK", "US": "US", "US_FUTURE": "US", "SH": "CN", "SZ": "CN",
              "SG": "SG", "SG_FUTURE": "SG", "JP": "JP", "JP_FUTURE": "JP"}.get(name)
    try:
        from openfutu.market import calendars as _cal

        if name in _cal.TradingMarket.__members__:
            return _cal.calendar_for(_cal.TradingMarket[name])
    except ImportError:
        pass
    if region is None:
        raise ValueError(f"no trading calendar for market {market!r}")
    from openfutu.market.prices import WeekdaySessionCalendar

    return WeekdaySessionCalendar(region)


def _fallback_state(prices: PriceEngine, code: str, at: dt.datetime) -> MarketState:
    cal = prices.calendar(code)
    day = at.astimezone(prices.timezone(code)).date()
    sessions = list(cal.continuous_sessions(day))
    if not sessions:
        return MarketState.CLOSED
    if at < sessions[0].start:
        return MarketState.WAITING_OPEN
    if at >= sessions[-1].end:
        return MarketState.CLOSED
    for k, s in enumerate(sessions):
        if s.start <= at < s.end:
            return MarketState.MORNING if k == 0 and len(sessions) > 1 else (
                MarketState.AFTERNOON if len(sessions) > 1 else MarketState.MORNING)
    return MarketState.REST

