"""Speed of the synthetic price engine: a 1000-bar daily K-line request, one
day of minute bars for 400 codes, quotes and order books.  Prints figures;
asserts nothing.

    python bench/market_prices.py [--codes 400] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from openfutu.market.corporate_actions import AuType  # noqa: E402
from openfutu.market.klines import KLineSource, KLType  # noqa: E402
from openfutu.market.model import Instrument, SecurityCode, SecurityType  # noqa: E402
from openfutu.market.orderbook import OrderBookSource  # noqa: E402
from openfutu.market.prices import PriceEngine  # noqa: E402


def universe(n: int) -> dict[str, Instrument]:
    out = {}
    for k in range(n):
        code = f"HK.{k + 1:05d}"
        out[code] = Instrument(SecurityCode.parse(code), code, SecurityType.EQTY, 100, "HKD",
                               dt.date(2005, 1, 3), 5.0 + (k * 7.3) % 400, 0.25 + (k % 7) * 0.05)
    return out


def timed(label: str, fn) -> object:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    result = fn()
    print(f"{label:<58} {1000 * (time.perf_counter() - t):8.1f} ms")
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codes", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    items = universe(args.codes)
    codes = list(items)
    engine = PriceEngine(args.seed, items)
    klines = KLineSource(engine)
    books = OrderBookSource(engine)
    day = dt.date(2025, 3, 4)
    at = dt.datetime(2025, 3, 4, 6, 30, tzinfo=dt.timezone.utc)
    start, end = dt.date(2021, 1, 1), dt.date(2025, 12, 31)

    timed("daily K-line, 1000 bars QFQ, cold (builds the path)",
          lambda: klines.history(codes[0], start, end, KLType.K_DAY, AuType.QFQ, max_count=1000))
    timed("daily K-line, 1000 bars QFQ, warm",
          lambda: klines.history(codes[0], start, end, KLType.K_DAY, AuType.QFQ, max_count=1000))
    timed(f"daily paths of {len(codes)} codes, cold",
          lambda: [engine.daily_series(c) for c in codes])
    timed(f"one day of minute bars (arrays) for {len(codes)} codes",
          lambda: [engine.minute_series(c, day) for c in codes])
    engine._minutes.clear()
    timed(f"one day of minute bars (MinuteBar objects) for {len(codes)} codes",
          lambda: [engine.minute_bars(c, day) for c in codes])
    timed(f"one day of 1-minute K-lines for {len(codes)} codes (warm minutes)",
          lambda: [klines.history(c, day, day, KLType.K_1M) for c in codes])
    timed(f"quotes of {len(codes)} codes (snapshot)", lambda: engine.quotes_at(codes, at))
    timed(f"10-level order books of {len(codes)} codes",
          lambda: [books.order_book_at(c, at, 10) for c in codes])
    ticks = timed("ticks of one code over a whole day",
                  lambda: engine.ticks_between(codes[0], at - dt.timedelta(hours=6), at))
    print(f"  ({len(ticks)} ticks)")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
