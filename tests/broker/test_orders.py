import pytest

from openfutu.broker.broker import BrokerError, BrokerErrorCode
from openfutu.broker.enums import (
    ModifyOrderOp, OrderStatus, OrderType, SimAccType, TimeInForce, TrailType, TrdMarket, TrdSide,
)
from openfutu.broker.market_view import SessionPhase
from openfutu.broker.model import FillOccurred, ModifyOrderRequest, OrderUpdated, PlaceOrderRequest

from broker_fakes import acc


def hk_cash(b):
    return acc(b, TrdMarket.HK, SimAccType.STOCK, cash=True)


def hk_margin(b):
    return acc(b, TrdMarket.HK, SimAccType.STOCK, cash=False)


def place(b, acc_id, code="HK.00700", side=TrdSide.BUY, qty=100, price=360.0, **kw):
    return b.place_order(PlaceOrderRequest(acc_id, code, side, qty, price, **kw))


def test_place_returns_submitting_then_fills_through_book(broker, market):
    # docs L9139: place_order answers SUBMITTING; L989-L1001: SUBMITTING -> SUBMITTED -> FILLED_ALL
    a = hk_cash(broker)
    o = place(broker, a, qty=300, price=360.0)
    assert o.order_status == OrderStatus.SUBMITTING
    assert broker.orders(a)[0].order_id_ex == o.order_id_ex  # visible immediately
    events = broker.on_market()
    statuses = [e.order.order_status for e in events if isinstance(e, OrderUpdated)]
    assert statuses == [OrderStatus.SUBMITTING, OrderStatus.SUBMITTED, OrderStatus.FILLED_ALL]
    fills = [e.fill for e in events if isinstance(e, FillOccurred)]
    assert [(f.qty, f.price) for f in fills] == [(300, 360.0)]


def test_marketable_limit_walks_levels_and_partially_fills(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=1500, price=360.2)
    broker.on_market()
    got = broker.orders(a)[0]
    assert got.order_status == OrderStatus.FILLED_PART
    assert got.dealt_qty == 1300  # 500 @ 360.0 + 800 @ 360.2
    assert got.dealt_avg_price == pytest.approx((500 * 360.0 + 800 * 360.2) / 1300)
    # the same displayed liquidity is not taken twice
    broker.on_market(market.advance())
    assert broker.orders(a)[0].dealt_qty == 1300
    # a print through our price fills the rest at our limit
    market.trade("HK.00700", 360.0, 1000)
    broker.on_market(market.advance())
    got = broker.orders(a)[0]
    assert got.order_status == OrderStatus.FILLED_ALL and got.dealt_qty == 1500


def test_resting_order_waits_for_queue_ahead(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=200, price=359.8)  # joins behind 1000 displayed at 359.8
    broker.on_market()
    market.trade("HK.00700", 359.8, 900)
    broker.on_market(market.advance())
    assert broker.orders(a)[0].dealt_qty == 0
    market.trade("HK.00700", 359.8, 250)  # 100 works off the queue, 150 reach us
    broker.on_market(market.advance())
    o = broker.orders(a)[0]
    assert o.dealt_qty == 150 and o.order_status == OrderStatus.FILLED_PART


def test_queue_front_configurable(market):
    from openfutu.broker.broker import Broker, BrokerConfig
    from openfutu.broker.ledger import Ledger
    from openfutu.broker.matching import MatchingConfig

    b = Broker(market, Ledger.open(":memory:"), BrokerConfig(matching=MatchingConfig(queue_ahead_fraction=0.0)))
    a = hk_cash(b)
    place(b, a, qty=200, price=359.8)
    b.on_market()
    market.trade("HK.00700", 359.8, 100)
    b.on_market(market.advance())
    assert b.orders(a)[0].dealt_qty == 100


def test_market_order_walks_book(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=1000, price=0, order_type=OrderType.MARKET)
    broker.on_market()
    o = broker.orders(a)[0]
    assert o.order_status == OrderStatus.FILLED_ALL
    assert o.dealt_avg_price == pytest.approx((500 * 360.0 + 500 * 360.2) / 1000)


def test_absolute_limit_only_at_its_price(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=1000, price=360.2, order_type=OrderType.ABSOLUTE_LIMIT)
    broker.on_market()
    assert broker.orders(a)[0].dealt_qty == 0  # best ask 360.0 != 360.2


def test_special_limit_cancels_rest_and_all_or_none(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=1000, price=360.0, order_type=OrderType.SPECIAL_LIMIT)
    place(broker, a, qty=1000, price=360.2, order_type=OrderType.SPECIAL_LIMIT_ALL)  # only 800 left
    broker.on_market()
    o1, o2 = broker.orders(a)
    assert (o1.order_status, o1.dealt_qty) == (OrderStatus.CANCELLED_PART, 500)
    assert (o2.order_status, o2.dealt_qty) == (OrderStatus.CANCELLED_ALL, 0)


def test_stop_triggers_from_last_price(broker, market):
    a = acc(broker, TrdMarket.US, SimAccType.STOCK, cash=False)
    place(broker, a, "US.AAPL", TrdSide.BUY, 10, 0, order_type=OrderType.STOP, aux_price=201.0)
    broker.on_market()
    market.trade("US.AAPL", 200.5, 10)
    broker.on_market(market.advance())
    assert broker.orders(a)[0].dealt_qty == 0
    market.trade("US.AAPL", 201.0, 10)
    market.set_book("US.AAPL", [(200.99, 100)], [(201.02, 100)])
    broker.on_market(market.advance())
    got = broker.orders(a)[0]
    assert got.order_status == OrderStatus.FILLED_ALL and got.dealt_avg_price == 201.02


def test_limit_if_touched_and_trailing_stop_limit(broker, market):
    a = acc(broker, TrdMarket.US, SimAccType.STOCK, cash=False)
    place(broker, a, "US.AAPL", TrdSide.BUY, 10, 199.0, order_type=OrderType.LIMIT_IF_TOUCHED, aux_price=199.5)
    broker.on_market()
    # buy 20 then protect with a trailing stop limit, 1.00 below the high, 0.05 spread
    place(broker, a, "US.AAPL", TrdSide.BUY, 20, 200.01)
    broker.on_market(market.advance())
    place(broker, a, "US.AAPL", TrdSide.SELL, 20, 0, order_type=OrderType.TRAILING_STOP_LIMIT,
          trail_type=TrailType.AMOUNT, trail_value=1.0, trail_spread=0.05)
    broker.on_market(market.advance())
    for px in (202.0, 203.0, 202.5):
        market.trade("US.AAPL", px, 1)
    broker.on_market(market.advance())
    trailing = broker.orders(a)[-1]
    assert trailing.order_status == OrderStatus.SUBMITTED and not trailing.triggered
    market.trade("US.AAPL", 201.9, 1)  # below 203 - 1 -> trigger, limit 201.95
    market.set_book("US.AAPL", [(199.4, 100), (199.3, 100)], [(199.45, 100)])
    broker.on_market(market.advance())
    trailing = broker.orders(a)[-1]
    assert trailing.triggered and trailing.price == pytest.approx(201.95)
    assert trailing.order_status == OrderStatus.SUBMITTED  # bids below the limit: rests
    lit = broker.orders(a)[0]
    assert lit.order_status == OrderStatus.SUBMITTED and lit.dealt_qty == 0
    market.trade("US.AAPL", 199.5, 5)  # touches 199.5 -> LIT triggers
    broker.on_market(market.advance())
    market.trade("US.AAPL", 198.9, 50)  # through its 199.0 limit
    broker.on_market(market.advance())
    assert broker.orders(a)[0].order_status == OrderStatus.FILLED_ALL


def test_auction_orders_fill_at_auction_price(broker, market):
    a = hk_cash(broker)
    market.phases["HK.00700"] = SessionPhase.OPENING_AUCTION
    place(broker, a, qty=100, price=0, order_type=OrderType.AUCTION)
    place(broker, a, qty=100, price=355.0, order_type=OrderType.AUCTION_LIMIT)
    broker.on_market()
    market.trade("HK.00700", 358.0, 10_000, auction=True)
    broker.on_market(market.advance())
    o1, o2 = broker.orders(a)
    assert (o1.order_status, o1.dealt_avg_price) == (OrderStatus.FILLED_ALL, 358.0)
    assert o2.dealt_qty == 0  # limit 355 below the auction price
    market.phases["HK.00700"] = SessionPhase.CONTINUOUS
    broker.on_market(market.advance())
    assert broker.orders(a)[1].order_status == OrderStatus.SUBMITTED  # carried into continuous


def test_auction_order_refused_in_continuous(broker):
    with pytest.raises(BrokerError) as e:
        place(broker, hk_cash(broker), qty=100, price=0, order_type=OrderType.AUCTION)
    assert e.value.code == BrokerErrorCode.MARKET_CLOSED


def test_no_fill_outside_session_and_day_expiry(broker, market):
    a = hk_cash(broker)
    market.phases["HK.00700"] = SessionPhase.CLOSED
    place(broker, a, qty=100, price=360.0)
    broker.on_market()
    assert broker.orders(a)[0].order_status == OrderStatus.WAITING_SUBMIT
    market.phases["HK.00700"] = SessionPhase.BREAK
    broker.on_market(market.advance())
    o = broker.orders(a)[0]
    assert o.order_status == OrderStatus.SUBMITTED and o.dealt_qty == 0  # lunch: no fills
    market.phases["HK.00700"] = SessionPhase.CONTINUOUS
    place(broker, a, qty=100, price=350.0)
    broker.on_market(market.advance())
    market.phases["HK.00700"] = SessionPhase.CLOSED
    broker.on_market(market.advance(3600))
    last = broker.orders(a)[-1]
    assert last.order_status == OrderStatus.CANCELLED_ALL  # DAY order expired at the close


def test_gtc_survives_the_close(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=100, price=350.0, time_in_force=TimeInForce.GTC)
    broker.on_market()
    market.phases["HK.00700"] = SessionPhase.CLOSED
    broker.on_market(market.advance(8 * 3600))
    assert broker.orders(a)[0].order_status == OrderStatus.SUBMITTED


def test_us_extended_hours_need_fill_outside_rth(broker, market):
    a = acc(broker, TrdMarket.US, SimAccType.STOCK, cash=False)
    market.phases["US.AAPL"] = SessionPhase.PRE_MARKET
    place(broker, a, "US.AAPL", TrdSide.BUY, 10, 200.01)
    place(broker, a, "US.AAPL", TrdSide.BUY, 10, 200.01, fill_outside_rth=True)
    broker.on_market()
    o1, o2 = broker.orders(a)
    assert o1.dealt_qty == 0 and o2.order_status == OrderStatus.FILLED_ALL


def test_modify_price_qty_and_cancel_transitions(broker, market):
    a = hk_cash(broker)
    o = place(broker, a, qty=200, price=359.0)
    broker.on_market()
    m = broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.NORMAL, qty=400, price=359.2))
    assert (m.qty, m.price) == (400, 359.2)
    c = broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.CANCEL))
    assert c.order_status == OrderStatus.CANCELLING_ALL
    broker.on_market(market.advance())
    assert broker.orders(a)[0].order_status == OrderStatus.CANCELLED_ALL
    with pytest.raises(BrokerError) as e:
        broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.CANCEL))
    assert e.value.code == BrokerErrorCode.ORDER_STATE


def test_modify_qty_is_total_including_filled(broker, market):
    # docs L9307-L9315
    a = hk_cash(broker)
    o = place(broker, a, qty=1000, price=360.0)
    broker.on_market()  # 500 filled
    with pytest.raises(BrokerError):
        broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.NORMAL, qty=500, price=360.0))
    m = broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.NORMAL, qty=700, price=360.0))
    assert m.remaining_qty == 200
    broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.CANCEL))
    broker.on_market(market.advance())
    assert broker.orders(a)[0].order_status == OrderStatus.CANCELLED_PART


def test_disable_enable_delete_hk(broker, market):
    a = hk_cash(broker)
    o = place(broker, a, qty=100, price=350.0)
    broker.on_market()
    d = broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.DISABLE))
    assert d.order_status == OrderStatus.DISABLED
    market.trade("HK.00700", 349.0, 10_000)
    broker.on_market(market.advance())
    assert broker.orders(a)[0].dealt_qty == 0  # disabled orders do not trade
    e = broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.ENABLE))
    assert e.order_status == OrderStatus.SUBMITTED
    x = broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.DELETE))
    assert x.order_status == OrderStatus.DELETED
    assert broker.orders(a) == []  # docs L9175: gone from the view


def test_us_refuses_disable(broker):
    # docs L12728-L12735: US orders support modify and cancel only
    a = acc(broker, TrdMarket.US, SimAccType.STOCK, cash=False)
    o = place(broker, a, "US.AAPL", TrdSide.BUY, 1, 190.0)
    with pytest.raises(BrokerError) as e:
        broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.DISABLE))
    assert e.value.code == BrokerErrorCode.UNSUPPORTED


def test_cancel_all(broker, market):
    a = hk_cash(broker)
    for px in (350.0, 351.0):
        place(broker, a, qty=100, price=px)
    broker.on_market()
    out = broker.cancel_all(a)
    assert len(out) == 2
    broker.on_market(market.advance())
    assert {o.order_status for o in broker.orders(a)} == {OrderStatus.CANCELLED_ALL}


def test_history_filters(broker, market):
    a = hk_cash(broker)
    o1 = place(broker, a, qty=100, price=360.0)
    market.advance(60)
    o2 = place(broker, a, "HK.02800", qty=500, price=19.5)
    broker.on_market(market.advance())
    from openfutu.broker.model import OrderFilter

    hist = broker.history_orders(a)
    assert [h.order_id_ex for h in hist] == [o2.order_id_ex, o1.order_id_ex]  # newest first (docs L9537-L9539)
    assert [h.order_id_ex for h in broker.history_orders(a, OrderFilter(codes=("HK.02800",)))] == [o2.order_id_ex]
    done = broker.history_orders(a, OrderFilter(statuses=(OrderStatus.FILLED_ALL,)))
    assert [h.order_id_ex for h in done] == [o1.order_id_ex]
    assert [d.order_id_ex for d in broker.deals(a)] == [o1.order_id_ex]
    assert broker.history_deals(a, OrderFilter(end=o1.create_time.replace(year=2020))) == []


def test_every_partial_fill_pushes_order_and_fill(broker, market):
    # docs L12884-L12888: a change of the filled quantity triggers an order push
    a = hk_cash(broker)
    place(broker, a, qty=1000, price=359.8)
    broker.on_market()
    broker.drain_events()
    market.trade("HK.00700", 359.6, 300)
    market.trade("HK.00700", 359.6, 300)
    market.trade("HK.00700", 359.6, 400)
    events = broker.on_market(market.advance())
    orders = [(e.order.order_status, e.order.dealt_qty) for e in events if isinstance(e, OrderUpdated)]
    assert orders == [(OrderStatus.FILLED_PART, 300), (OrderStatus.FILLED_PART, 600), (OrderStatus.FILLED_ALL, 1000)]
    fills = [e.fill for e in events if isinstance(e, FillOccurred)]
    assert [f.qty for f in fills] == [300, 300, 400] and all(f.price == 359.8 for f in fills)
    assert len({f.fill_id for f in fills}) == 3


def test_trailing_stop_ratio(broker, market):
    a = acc(broker, TrdMarket.US, SimAccType.STOCK, cash=False)
    place(broker, a, "US.AAPL", TrdSide.SELL, 5, 0, order_type=OrderType.TRAILING_STOP,
          trail_type=TrailType.RATIO, trail_value=5.0)  # short-sell protection at 5 % off the low... sell side
    broker.on_market()
    market.trade("US.AAPL", 210.0, 1)
    broker.on_market(market.advance())
    assert broker.orders(a)[0].dealt_qty == 0
    market.trade("US.AAPL", 199.6, 1)  # 210 * 0.95 = 199.5: not yet
    broker.on_market(market.advance())
    assert not broker.orders(a)[0].triggered
    market.trade("US.AAPL", 199.5, 1)
    broker.on_market(market.advance())
    o = broker.orders(a)[0]
    assert o.triggered and o.order_status == OrderStatus.FILLED_ALL and o.dealt_avg_price == 199.99


def test_gtc_horizon_and_gtd_expiry(broker, market):
    import datetime as dt

    a = hk_cash(broker)
    place(broker, a, qty=100, price=350.0, time_in_force=TimeInForce.GTC)
    place(broker, a, qty=100, price=350.0, time_in_force=TimeInForce.GTD,
          expire_time=market.clock + dt.timedelta(days=2))
    broker.on_market()
    market.clock += dt.timedelta(days=3)
    broker.on_market()
    gtd, gtc = broker.history_orders(a)  # newest first
    assert [o.order_id_ex for o in broker.orders(a)] == [gtc.order_id_ex]  # still-open order listed
    assert gtc.order_status == OrderStatus.SUBMITTED and gtd.order_status == OrderStatus.CANCELLED_ALL
    market.clock += dt.timedelta(days=88)  # GTC lasts at most 90 calendar days (Trd_Common.proto)
    broker.on_market()
    assert broker.history_orders(a)[-1].order_status == OrderStatus.CANCELLED_ALL


def test_ioc_cancels_rest(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=1000, price=360.0, time_in_force=TimeInForce.IOC)
    broker.on_market()
    o = broker.orders(a)[0]
    assert (o.order_status, o.dealt_qty) == (OrderStatus.CANCELLED_PART, 500)


def test_cancel_before_submission_is_immediate(broker):
    a = hk_cash(broker)
    o = place(broker, a, qty=100, price=350.0)
    c = broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.CANCEL))
    assert c.order_status == OrderStatus.CANCELLED_ALL


def test_failed_request_changes_nothing(broker, market):
    a = hk_cash(broker)
    o = place(broker, a, qty=100, price=350.0)
    broker.on_market()
    before = broker.orders(a)
    with pytest.raises(BrokerError):
        broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.NORMAL, qty=100, price=350.1))
    assert broker.orders(a) == before


def test_position_pl_ratio_filter(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=100, price=360.0)
    place(broker, a, "HK.02800", qty=500, price=20.0)
    broker.on_market()
    market.trade("HK.00700", 400.0, 1)
    rows = broker.positions(a, pl_ratio_min=0.05)  # fractions, like the wire
    assert [r.code for r in rows] == ["HK.00700"]


@pytest.mark.parametrize(
    "otype, side, price, aux, move_to, filled",
    [
        (OrderType.STOP_LIMIT, TrdSide.SELL, 199.0, 199.5, 199.4, True),  # sell stop: falls to 199.5
        (OrderType.STOP_LIMIT, TrdSide.SELL, 199.0, 199.5, 199.6, False),
        (OrderType.MARKET_IF_TOUCHED, TrdSide.SELL, 0.0, 201.0, 201.0, True),  # take profit: rises to 201
        (OrderType.MARKET_IF_TOUCHED, TrdSide.BUY, 0.0, 199.0, 199.5, False),
    ],
)
def test_conditional_types(broker, market, otype, side, price, aux, move_to, filled):
    a = acc(broker, TrdMarket.US, SimAccType.STOCK, cash=False)
    place(broker, a, "US.AAPL", side, 10, price, order_type=otype, aux_price=aux)
    broker.on_market()
    market.trade("US.AAPL", move_to, 1)
    broker.on_market(market.advance())
    o = broker.orders(a)[0]
    assert o.triggered == filled
    assert (o.order_status == OrderStatus.FILLED_ALL) == filled


def test_domain_boundary():
    import ast
    import pathlib

    import openfutu.broker as pkg

    banned = {"google", "socket", "asyncio", "openfutu.market", "openfutu.gateway", "openfutu.protocol"}
    # the market's pure exchange rules are shared, so quotes and order entry use one tick table (DESIGN)
    allowed = {"openfutu.market.rules", "openfutu.market.model"}
    for f in pathlib.Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for n in names:
                if n in allowed:
                    continue
                assert not any(n == b or n.startswith(b + ".") for b in banned), (f.name, n)
