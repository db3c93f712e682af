"""The official futu-api client subscribes to our gateway and each of its
seven push handler bases receives correct data."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path

import pytest

from openfutu.gateway.testing import InProcessGateway

futu = pytest.importorskip("futu")


def _load_small_market():
    path = Path(__file__).parents[1] / "gateway" / "test_push_feed.py"
    spec = importlib.util.spec_from_file_location("push_feed_market", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_feed = _load_small_market()
SmallMarket, HK_MORNING = _feed.SmallMarket, _feed.HK_MORNING


class ManualClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


def collector(base):
    class Collector(base):
        def __init__(self) -> None:
            super().__init__()
            self.got: list = []

        def on_recv_rsp(self, rsp_pb):
            result = super().on_recv_rsp(rsp_pb)
            self.got.append(result)
            return result

    return Collector()


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture
def gateway(tmp_path):
    with InProcessGateway(openfutu_data_dir=str(tmp_path)) as gw:
        clock = ManualClock(HK_MORNING)
        market = SmallMarket()

        def setup() -> None:
            gw.gateway.services.clock = clock
            gw.gateway.services.component("market", lambda s: market)
            gw.gateway.push_hub.stop()

        gw.call(setup)
        gw.clock, gw.market = clock, market  # type: ignore[attr-defined]
        yield gw


def advance(gw, seconds: float) -> None:
    def run() -> None:
        gw.clock.at += dt.timedelta(seconds=seconds)
        gw.gateway.push_hub.step(gw.clock.at)

    gw.call(run)


@pytest.fixture
def quote_ctx(gateway):
    ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gateway.port)
    try:
        yield ctx
    finally:
        ctx.close()


def test_every_handler_base_receives_its_pushes(gateway, quote_ctx):
    market = gateway.market
    handlers = {
        "quote": collector(futu.StockQuoteHandlerBase),
        "kline": collector(futu.CurKlineHandlerBase),
        "rt": collector(futu.RTDataHandlerBase),
        "ticker": collector(futu.TickerHandlerBase),
        "book": collector(futu.OrderBookHandlerBase),
        "broker": collector(futu.BrokerHandlerBase),
    }
    for h in handlers.values():
        quote_ctx.set_handler(h)
    S = futu.SubType
    ret, err = quote_ctx.subscribe(["HK.00700"], [S.QUOTE, S.K_1M, S.K_DAY, S.RT_DATA, S.TICKER,
                                                  S.ORDER_BOOK, S.BROKER])
    assert ret == futu.RET_OK, err
    # first pushes: the current data of each type
    wait_for(lambda: all(h.got for h in handlers.values()))
    ret, df = handlers["quote"].got[0]
    assert ret == futu.RET_OK
    q = market.quote("HK.00700", HK_MORNING)
    row = df.iloc[0]
    assert (row["code"], row["name"]) == ("HK.00700", "TENCENT")
    assert row["last_price"] == q.last_price and row["volume"] == q.volume
    assert row["data_date"] == q.update_time.strftime("%Y-%m-%d")

    for h in handlers.values():
        h.got.clear()
    advance(gateway, 0)
    advance(gateway, 150)  # 2.5 minutes of trading
    at = gateway.clock.at
    wait_for(lambda: all(h.got for h in handlers.values()))

    ret, df = handlers["quote"].got[-1]
    assert ret == futu.RET_OK and df.iloc[-1]["last_price"] == market.quote("HK.00700", at).last_price

    frames = [d for r, d in handlers["ticker"].got if r == futu.RET_OK]
    ticks = [x for x in market.prices.ticks_between("HK.00700", HK_MORNING, at) if x.time > HK_MORNING]
    seqs = [int(s) for f in frames for s in f["sequence"]]
    assert seqs == [t.sequence for t in ticks]
    assert list(frames[0]["push_data_type"].unique()) == ["REALTIME"]

    ret, df = handlers["kline"].got[-1]
    assert ret == futu.RET_OK
    kinds = {r[1]["k_type"].iloc[0] for r in handlers["kline"].got}
    assert kinds == {"K_1M", "K_DAY"}
    day = [d for r, d in handlers["kline"].got if d["k_type"].iloc[0] == "K_DAY"][-1].iloc[-1]
    assert day["close"] == market.quote("HK.00700", at).last_price

    ret, df = handlers["rt"].got[-1]
    assert ret == futu.RET_OK
    points = market.prices.time_share("HK.00700", at)
    assert df.iloc[-1]["time"] == points[-1].time.strftime("%Y-%m-%d %H:%M:%S")
    assert df.iloc[-1]["cur_price"] == points[-1].price

    ret, book = handlers["book"].got[-1]
    assert ret == futu.RET_OK and book["code"] == "HK.00700"
    expected = market.books.order_book_at("HK.00700", at, 10)
    assert [lv[0] for lv in book["Bid"]] == [lv.price for lv in expected.bids]
    assert [lv[1] for lv in book["Ask"]] == [lv.volume for lv in expected.asks]

    ret, code, (bid_df, ask_df) = handlers["broker"].got[-1]
    assert ret == futu.RET_OK and code == "HK.00700"
    queue = market.books.broker_queue_at("HK.00700", at)
    assert list(bid_df["bid_broker_id"]) == [e.broker_id for e in queue.bids]


def test_pulls_through_the_official_client(gateway, quote_ctx):
    ret, msg = quote_ctx.get_stock_quote(["HK.00700"])
    assert ret == futu.RET_ERROR and "not subscribed" in msg
    S = futu.SubType
    assert quote_ctx.subscribe(["HK.00700"], [S.QUOTE, S.K_1M, S.TICKER, S.ORDER_BOOK, S.BROKER,
                                              S.RT_DATA], is_first_push=False)[0] == futu.RET_OK
    ret, df = quote_ctx.get_stock_quote(["HK.00700"])
    assert ret == futu.RET_OK and df.iloc[0]["last_price"] == gateway.market.quote("HK.00700", HK_MORNING).last_price
    ret, df = quote_ctx.get_cur_kline("HK.00700", 10, futu.KLType.K_1M)
    assert ret == futu.RET_OK and len(df) == 10
    ret, df = quote_ctx.get_rt_ticker("HK.00700", 30)
    assert ret == futu.RET_OK and len(df) == 30
    ret, book = quote_ctx.get_order_book("HK.00700", 5)
    assert ret == futu.RET_OK and len(book["Bid"]) == 5
    ret, bid_df, ask_df = quote_ctx.get_broker_queue("HK.00700")
    assert ret == futu.RET_OK and len(bid_df) > 0
    ret, df = quote_ctx.get_rt_data("HK.00700")
    assert ret == futu.RET_OK and len(df) == len(gateway.market.prices.time_share("HK.00700", HK_MORNING))


def test_query_subscription_like_the_docs(gateway, quote_ctx):
    # docs L1739: {'total_used': 1, 'remain': 999, 'own_used': 1, 'sub_list': {'QUOTE': ['HK.00700']}}
    assert quote_ctx.subscribe(["HK.00700"], [futu.SubType.QUOTE])[0] == futu.RET_OK
    ret, data = quote_ctx.query_subscription()
    assert ret == futu.RET_OK
    assert (data["total_used"], data["remain"], data["own_used"]) == (1, 999, 1)
    assert data["sub_list"] == {"QUOTE": ["HK.00700"]}
    # the docs' own connection-less view: a second connection sees 0 own, 1 total
    other = futu.OpenQuoteContext(host="127.0.0.1", port=gateway.port)
    try:
        ret, data = other.query_subscription(is_all_conn=True)
        assert (data["total_used"], data["own_used"], data["remain"]) == (1, 0, 999)
        assert data["sub_list"] == {"QUOTE": ["HK.00700"]}
        ret, data = other.query_subscription(is_all_conn=False)
        assert data["sub_list"] == {}
    finally:
        other.close()


def test_unsubscribe_rules_through_the_official_client(gateway, quote_ctx):
    S = futu.SubType
    assert quote_ctx.subscribe(["HK.00700"], [S.QUOTE, S.TICKER], is_first_push=False)[0] == futu.RET_OK
    ret, msg = quote_ctx.unsubscribe(["HK.00700"], [S.QUOTE])
    assert ret == futu.RET_ERROR and "1 minute" in msg  # docs L1678
    gateway.clock.at += dt.timedelta(seconds=60)
    assert quote_ctx.unsubscribe(["HK.00700"], [S.QUOTE]) == (futu.RET_OK, None)
    ret, data = quote_ctx.query_subscription()
    assert data["total_used"] == 1 and data["sub_list"] == {"TICKER": ["HK.00700"]}
    assert quote_ctx.unsubscribe_all() == (futu.RET_OK, None)
    assert quote_ctx.query_subscription()[1]["total_used"] == 0


def test_subscriptions_survive_the_clients_reconnect(gateway):
    ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gateway.port)
    ctx.reconnect_interval = 0.2  # the official default is 6 s
    handler = collector(futu.StockQuoteHandlerBase)
    ctx.set_handler(handler)
    try:
        S = futu.SubType
        assert ctx.subscribe(["HK.00700", "HK.00005"], [S.QUOTE, S.TICKER])[0] == futu.RET_OK
        old = ctx.get_sync_conn_id()
        gateway.call(lambda: [s.close() for s in list(gateway.gateway.sessions.values())])
        wait_for(lambda: ctx.get_sync_conn_id() != old and ctx.query_subscription()[0] == futu.RET_OK
                 and ctx.query_subscription()[1]["own_used"] == 4)
        ret, data = ctx.query_subscription()
        # the old connection's holds wait out their minute; the units are shared
        assert data["total_used"] == 4
        assert sorted(data["sub_list"]["QUOTE"]) == ["HK.00005", "HK.00700"]
        handler.got.clear()
        advance(gateway, 0)
        advance(gateway, 120)
        wait_for(lambda: handler.got)
        assert handler.got[-1][0] == futu.RET_OK
    finally:
        ctx.close()


def test_price_reminder_push(gateway, quote_ctx):
    handler = collector(futu.PriceReminderHandlerBase)
    quote_ctx.set_handler(handler)
    market = gateway.market
    q = market.quote("HK.00700", HK_MORNING)

    def add_reminder() -> int:
        store = gateway.gateway.services.userdata
        from openfutu.gateway.userdata import PriceReminder

        return store.set_reminder("HK.00700", 1, None,
                                  PriceReminder(0, "HK.00700", 1, 1, round(q.last_price - 1, 3), "above"), 4242)

    key = gateway.call(add_reminder)
    advance(gateway, 1)
    wait_for(lambda: handler.got)
    ret, data = handler.got[0]
    assert ret == futu.RET_OK
    assert data["code"] == "HK.00700" and data["key"] == key
    assert data["reminder_type"] == "PRICE_UP" and data["note"] == "above"
    assert data["set_value"] == round(q.last_price - 1, 3)


def test_quote_right_notify(gateway, quote_ctx):
    got = []

    class Notified(futu.SysNotifyHandlerBase):
        def on_recv_rsp(self, rsp_pb):
            result = super().on_recv_rsp(rsp_pb)
            got.append(result)
            return result

    quote_ctx.set_handler(Notified())
    gateway.call(gateway.gateway.notify_quote_right)
    wait_for(lambda: any(r[1][0] == futu.SysNotifyType.QOT_RIGHT for r in got if r[0] == futu.RET_OK))
    (ret, (kind, _sub, msg)), = [r for r in got if r[1][0] == futu.SysNotifyType.QOT_RIGHT]
    assert msg["hk_qot_right"] == "LV2" and msg["us_qot_right"] == "LV2"
