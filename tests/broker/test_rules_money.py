import datetime as dt

import pytest
from broker_fakes import acc

from openfutu.broker.broker import Broker, BrokerConfig, BrokerError, BrokerErrorCode
from openfutu.broker.enums import (
    OrderStatus, OrderType, SimAccType, TimeInForce, TrailType, TrdAccType, TrdCategory, TrdEnv, TrdMarket, TrdSide,
)
from openfutu.broker.fees import FeeSchedule
from openfutu.broker.ledger import Ledger
from openfutu.broker.model import ModifyOrderRequest, PlaceOrderRequest
from openfutu.broker.rules import adjust_to_tick, hk_tick
from openfutu.broker.status import FINAL_STATUSES, TRANSITIONS, IllegalTransition, check_transition
from openfutu.broker.enums import ModifyOrderOp


def hk_cash(b):
    return acc(b, TrdMarket.HK, SimAccType.STOCK, cash=True)


def place(b, a, code="HK.00700", side=TrdSide.BUY, qty=100, price=360.0, **kw):
    return b.place_order(PlaceOrderRequest(a, code, side, qty, price, **kw))


def err(fn) -> BrokerError:
    with pytest.raises(BrokerError) as e:
        fn()
    return e.value


# ---------------------------------------------------------------- accounts

def test_accounts_like_futu_simulated(broker):
    accs = broker.get_accounts()
    assert all(a.trd_env == TrdEnv.SIMULATE for a in accs)
    hk = broker.get_accounts(TrdCategory.SECURITY, market=TrdMarket.HK)
    # docs L8435-L8437: classic stock account first, then the option account
    assert [a.sim_acc_type for a in hk][:2] == [SimAccType.STOCK, SimAccType.OPTION]
    fut = broker.get_accounts(TrdCategory.FUTURE)
    # docs L12604-L12636: one MARGIN FUTURES account per simulated futures market
    assert [a.trdmarket_auth for a in fut] == [(TrdMarket.FUTURES_SIMULATE_HK,), (TrdMarket.FUTURES_SIMULATE_US,),
                                              (TrdMarket.FUTURES_SIMULATE_SG,), (TrdMarket.FUTURES_SIMULATE_JP,)]
    assert all(a.acc_type == TrdAccType.MARGIN and a.sim_acc_type == SimAccType.FUTURES for a in fut)
    assert [a.acc_index for a in accs] == list(range(len(accs)))


def test_account_ids_are_stable(market):
    ids1 = [a.acc_id for a in Broker(market, Ledger.open(":memory:")).get_accounts()]
    ids2 = [a.acc_id for a in Broker(market, Ledger.open(":memory:")).get_accounts()]
    assert ids1 == ids2 and len(set(ids1)) == len(ids1)


def test_real_mirror_needs_unlock(market):
    import hashlib

    b = Broker(market, Ledger.open(":memory:"), BrokerConfig(mirror_real=True))
    real = b.get_accounts(trd_env=TrdEnv.REAL, market=TrdMarket.HK)[0]
    e = err(lambda: place(b, real.acc_id))
    assert e.code == BrokerErrorCode.LOCKED  # docs L9149
    assert err(lambda: b.unlock("0" * 32)).code == BrokerErrorCode.LOCKED
    b.unlock(hashlib.md5(b"123456").hexdigest())
    assert place(b, real.acc_id).order_status == OrderStatus.SUBMITTING


# ---------------------------------------------------------------- validation

def test_hk_spread_table_and_adjust_limit(market):
    assert hk_tick(359.6) == 0.2 and hk_tick(0.2) == 0.001 and hk_tick(10.0) == 0.01 and hk_tick(10.02) == 0.02
    info = market.instrument("HK.00700")
    # docs L12896-L12907: 359.678 with +0.0015 -> 359.800
    assert adjust_to_tick(info, 359.678, 0.0015) == pytest.approx(359.8)
    assert adjust_to_tick(info, 359.678, 0.0001) is None
    assert adjust_to_tick(info, 359.678, -0.001) == pytest.approx(359.6)


def test_price_not_on_tick_refused(broker):
    a = hk_cash(broker)
    e = err(lambda: place(broker, a, price=359.7))
    assert e.code == BrokerErrorCode.PRICE_TICK and e.message == "order price is not on a valid tick"
    o = place(broker, a, price=359.678, adjust_limit=0.0015)
    assert o.price == pytest.approx(359.8)


def test_board_lot_required_hk(broker):
    assert err(lambda: place(broker, hk_cash(broker), qty=150)).code == BrokerErrorCode.LOT_SIZE


def test_qty_and_price_positive_and_unknown_code(broker):
    a = hk_cash(broker)
    assert err(lambda: place(broker, a, qty=0)).code == BrokerErrorCode.INVALID_PARAM
    assert err(lambda: place(broker, a, price=-1)).code == BrokerErrorCode.INVALID_PARAM
    assert err(lambda: place(broker, a, code="HK.99999")).code == BrokerErrorCode.UNKNOWN_SECURITY
    assert err(lambda: place(broker, a, code="HK.800000")).code == BrokerErrorCode.NOT_PERMITTED
    assert err(lambda: place(broker, a, side=TrdSide.SELL_SHORT)).code == BrokerErrorCode.INVALID_PARAM  # L10428
    assert err(lambda: place(broker, 1)).code == BrokerErrorCode.NO_ACCOUNT
    assert err(lambda: place(broker, a, remark="x" * 65)).code == BrokerErrorCode.INVALID_PARAM
    assert broker.orders(a) == []  # nothing changed


def test_required_fields_per_type(broker):
    # docs L12783-L12796
    a = hk_cash(broker)
    assert err(lambda: place(broker, a, order_type=OrderType.STOP_LIMIT)).code == BrokerErrorCode.INVALID_PARAM
    assert err(lambda: place(broker, a, order_type=OrderType.TRAILING_STOP)).code == BrokerErrorCode.INVALID_PARAM
    assert err(lambda: place(broker, a, order_type=OrderType.TRAILING_STOP_LIMIT, trail_type=TrailType.RATIO,
                             trail_value=5)).code == BrokerErrorCode.INVALID_PARAM


def test_hk_only_types_refused_in_us(broker):
    a = acc(broker, TrdMarket.US, SimAccType.STOCK, cash=False)
    e = err(lambda: place(broker, a, "US.AAPL", qty=1, price=200.0, order_type=OrderType.ABSOLUTE_LIMIT))
    assert e.code == BrokerErrorCode.UNSUPPORTED


def test_a_share_price_limit_and_t_plus_1(broker, market):
    a = acc(broker, TrdMarket.CN)
    assert err(lambda: place(broker, a, "SH.600519", price=1700.0)).code == BrokerErrorCode.PRICE_LIMIT
    place(broker, a, "SH.600519", qty=100, price=1500.0)
    broker.on_market()
    assert broker.positions(a)[0].can_sell_qty == 0
    e = err(lambda: place(broker, a, "SH.600519", TrdSide.SELL, 100, 1500.0))
    assert e.code == BrokerErrorCode.INSUFFICIENT_POSITION  # exchange rule: T+1
    market.clock = market.clock + dt.timedelta(days=1)
    assert broker.positions(a)[0].can_sell_qty == 100
    place(broker, a, "SH.600519", TrdSide.SELL, 100, 1499.99)


def test_short_selling_only_in_margin_accounts(broker, market):
    e = err(lambda: place(broker, hk_cash(broker), side=TrdSide.SELL))
    assert e.code == BrokerErrorCode.NOT_PERMITTED
    m = acc(broker, TrdMarket.HK, SimAccType.STOCK, cash=False)
    place(broker, m, side=TrdSide.SELL, qty=100, price=359.8)
    broker.on_market()
    pos = broker.positions(m)[0]
    assert pos.qty == 100 and pos.position_side.name == "SHORT"
    # docs L9157-L9160: cannot go from short to long in one order
    assert err(lambda: place(broker, m, qty=200, price=360.0)).code == BrokerErrorCode.INSUFFICIENT_POSITION


def test_paper_rules_mode(market):
    b = Broker(market, Ledger.open(":memory:"), BrokerConfig(futu_paper_rules=True))
    a = hk_cash(b)
    assert err(lambda: place(b, a, order_type=OrderType.STOP, aux_price=370.0)).code == BrokerErrorCode.UNSUPPORTED
    m = acc(b, TrdMarket.HK, SimAccType.STOCK, cash=False)
    assert err(lambda: place(b, m, side=TrdSide.SELL)).code == BrokerErrorCode.NOT_PERMITTED  # L12533
    assert err(lambda: b.cancel_all(a)).code == BrokerErrorCode.UNSUPPORTED  # L9249
    assert err(lambda: b.deals(a)).code == BrokerErrorCode.UNSUPPORTED  # L9713
    assert err(lambda: b.order_fees(a, [])).code == BrokerErrorCode.UNSUPPORTED  # L9696
    assert err(lambda: b.cash_flows(a)).code == BrokerErrorCode.UNSUPPORTED  # L9030
    assert err(lambda: place(b, a, time_in_force=TimeInForce.GTC)).code == BrokerErrorCode.UNSUPPORTED  # L12532
    us = acc(b, TrdMarket.US, SimAccType.STOCK, cash=False)
    e = err(lambda: place(b, us, "US.AAPL", qty=1, price=200.0, fill_outside_rth=True))
    assert e.code == BrokerErrorCode.UNSUPPORTED  # L9162
    o = place(b, a, qty=100, price=350.0)
    b.on_market()
    e = err(lambda: b.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.DISABLE)))
    assert e.code == BrokerErrorCode.UNSUPPORTED  # L12530


def test_buying_power_cash_account(broker):
    a = hk_cash(broker)
    e = err(lambda: place(broker, a, qty=2800, price=360.0))  # ~1.008M > 1M
    assert e.code == BrokerErrorCode.INSUFFICIENT_POWER and e.message == "insufficient buying power"
    place(broker, a, qty=2000, price=360.0)
    f = broker.funds(a)
    assert f.frozen_cash > 720_000 and f.net_cash_power == pytest.approx(1_000_000 - f.frozen_cash, abs=0.01)


def test_margin_account_leverage(broker):
    m = acc(broker, TrdMarket.HK, SimAccType.STOCK, cash=False)
    f = broker.funds(m)
    assert f.power == pytest.approx(2_000_000)  # 50 % initial margin
    assert f.max_power_short == pytest.approx(1_000_000 / 0.6, rel=1e-6)
    place(broker, m, qty=4000, price=360.0)  # 1.44M: needs margin


# ---------------------------------------------------------------- status table

def test_transition_table_refuses_illegal_moves():
    check_transition(OrderStatus.SUBMITTING, OrderStatus.SUBMITTED)
    check_transition(OrderStatus.FILLED_PART, OrderStatus.CANCELLING_PART)
    for bad in [(OrderStatus.FILLED_ALL, OrderStatus.SUBMITTED), (OrderStatus.CANCELLED_ALL, OrderStatus.FILLED_PART),
                (OrderStatus.SUBMITTED, OrderStatus.CANCELLED_PART), (OrderStatus.DELETED, OrderStatus.SUBMITTED),
                (OrderStatus.FAILED, OrderStatus.SUBMITTED)]:
        with pytest.raises(IllegalTransition):
            check_transition(*bad)
    # every final status except FILL_CANCELLED-capable ones has no way back to a working state
    for st in FINAL_STATUSES:
        assert not TRANSITIONS[st] & {OrderStatus.SUBMITTED, OrderStatus.FILLED_PART}


def test_delete_refused_after_fills(broker):
    a = hk_cash(broker)
    o = place(broker, a, qty=200, price=360.0)
    broker.on_market()
    e = err(lambda: broker.modify_order(ModifyOrderRequest(a, o.order_id_ex, ModifyOrderOp.DELETE)))
    assert e.code == BrokerErrorCode.ORDER_STATE


# ---------------------------------------------------------------- money

def test_positions_cash_and_pl(broker, market):
    a = hk_cash(broker)
    place(broker, a, qty=300, price=360.0)
    broker.on_market()
    fees = FeeSchedule().total(market.instrument("HK.00700"), TrdSide.BUY, 300, 360.0)
    f = broker.funds(a)
    assert f.cash == pytest.approx(1_000_000 - 108_000 - fees)
    pos = broker.positions(a)[0]
    assert pos.qty == 300 and pos.average_cost == 360.0
    assert pos.diluted_cost == pytest.approx((108_000 + fees) / 300, abs=1e-3)
    market.trade("HK.00700", 370.0, 1)
    pos = broker.positions(a)[0]
    assert pos.market_val == pytest.approx(111_000) and pos.pl_val == pytest.approx(111_000 - 108_000 - fees, abs=1e-3)
    assert pos.today_buy_qty == 300
    assert f.total_assets == pytest.approx(f.cash + 300 * 359.9, abs=1e-2)  # valued at the mid 359.9
    # sell 100: realised P&L against average cost
    market.set_book("HK.00700", [(370.0, 1000)], [(370.2, 1000)])
    place(broker, a, side=TrdSide.SELL, qty=100, price=370.0)
    broker.on_market(market.advance())
    pos = broker.positions(a)[0]
    assert pos.qty == 200 and pos.realized_pl == pytest.approx(1000.0) and pos.today_sell_qty == 100
    q = broker.max_trade_qty(a, OrderType.NORMAL, "HK.00700", 370.0)
    assert q.max_position_sell == 200 and q.max_sell_short == 0
    assert q.max_cash_buy % 100 == 0 and q.max_cash_buy > 0


def test_futures_margin_and_pl(broker, market):
    a = acc(broker, TrdMarket.FUTURES_SIMULATE_HK)
    place(broker, a, "HK.HSImain", TrdSide.BUY, 2, 20000.0)
    broker.on_market()
    market.trade("HK.HSImain", 20100.0, 1)
    pos = broker.positions(a)[0]
    assert pos.unrealized_pl == pytest.approx(2 * 100 * 50) and pos.market_val == 0.0
    f = broker.funds(a)
    assert f.initial_margin == pytest.approx(2 * 20100 * 50 * 0.10)
    q = broker.max_trade_qty(a, OrderType.NORMAL, "HK.HSImain", 20100.0)
    assert q.max_cash_buy == 0 and q.long_required_im == pytest.approx(20100 * 50 * 0.10)
    # close: realised P&L goes to cash
    market.set_book("HK.HSImain", [(20100.0, 10)], [(20101.0, 10)])
    place(broker, a, "HK.HSImain", TrdSide.SELL, 2, 20100.0)
    broker.on_market(market.advance())
    fees = broker.order_fees(a, [o.order_id_ex for o in broker.orders(a)])
    total_fees = sum(x.fee_amount for x in fees)
    assert broker.funds(a).cash == pytest.approx(1_000_000 + 10_000 - total_fees)


def test_cash_flows_record_trades(broker):
    a = hk_cash(broker)
    place(broker, a, qty=100, price=360.0)
    broker.on_market()
    flows = broker.cash_flows(a)
    assert [c.cashflow_type for c in flows] == ["DEPOSIT", "TRADE", "FEE"]
    assert flows[1].cashflow_amount == -36_000.0 and flows[1].settlement_date > flows[1].clearing_date
    assert sum(c.cashflow_amount for c in flows) == pytest.approx(broker.funds(a).cash)


def test_margin_ratios(broker):
    (r,) = broker.margin_ratios(["HK.00700"])
    assert r.im_long_ratio == 50.0 and r.im_short_ratio == 60.0
    assert err(lambda: broker.margin_ratios(["SH.600519"])).code == BrokerErrorCode.UNSUPPORTED
