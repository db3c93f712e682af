import pytest
from broker_fakes import default_instruments

from openfutu.broker.enums import Currency, TrdSecMarket, TrdSide
from openfutu.broker.fees import FeeSchedule
from openfutu.broker.market_view import InstrumentInfo, InstrumentKind

INS = default_instruments()
FEES = FeeSchedule()


def items(code, side, qty, price):
    return {i.title: i.value for i in FEES.items(INS[code], side, qty, price)}


def test_hk_stock_fees_hand_computed():
    # 300 x 360 = HKD 108,000
    got = items("HK.00700", TrdSide.BUY, 300, 360.0)
    assert got == {"佣金": 32.40, "平台使用费": 15.0, "印花税": 108.0, "交易征费": 2.92,
                   "财务汇报局交易征费": 0.16, "交易费": 6.10, "交收费": 2.16}
    assert FEES.total(INS["HK.00700"], TrdSide.BUY, 300, 360.0) == pytest.approx(166.74)


def test_hk_stamp_duty_rounds_up_and_settlement_bounds():
    # 100 x 1001 = 100,100 -> 0.1 % = 100.1 -> HKD 101 (exchange rule: rounded up to the dollar)
    got = items("HK.00700", TrdSide.SELL, 100, 1001.0)
    assert got["印花税"] == 101.0
    small = items("HK.00700", TrdSide.BUY, 100, 10.0)  # HKD 1,000
    assert small["交收费"] == 2.0 and small["佣金"] == 3.0  # minimums
    big = items("HK.00700", TrdSide.BUY, 100_000, 1000.0)  # HKD 100M
    assert big["交收费"] == 100.0  # maximum


def test_etf_exempt_from_stamp_duty():
    assert "印花税" not in items("HK.02800", TrdSide.BUY, 500, 20.0)


def test_us_fees_sell_side():
    # sell 100 x 200.01 = USD 20,001
    got = items("US.AAPL", TrdSide.SELL, 100, 200.01)
    assert got == {"佣金": 0.99, "平台使用费": 1.0, "交收费": 0.30, "证监会规费": 0.56, "交易活动费": 0.02}
    assert "证监会规费" not in items("US.AAPL", TrdSide.BUY, 100, 200.01)
    assert items("US.AAPL", TrdSide.SELL, 100_000, 10.0)["交易活动费"] == 8.30  # FINRA TAF cap


def test_a_share_fees():
    # sell 100 x 1600 = CNY 160,000
    got = items("SH.600519", TrdSide.SELL, 100, 1600.0)
    assert got == {"佣金": 48.0, "平台使用费": 15.0, "印花税": 80.0, "过户费": 1.60, "经手费": 5.46, "证管费": 3.20}
    assert "印花税" not in items("SH.600519", TrdSide.BUY, 100, 1600.0)  # stamp duty on sells only


def test_futures_per_contract():
    got = items("HK.HSImain", TrdSide.BUY, 3, 20000.0)
    assert got == {"佣金": 30.0, "平台使用费": 0.0, "交易所费用": 30.0, "监管费": 1.62}


def test_us_option_fees():
    opt = InstrumentInfo("US.AAPL260320C200000", "AAPL C200", TrdSecMarket.US, InstrumentKind.OPTION, 100,
                         Currency.USD, "America/New_York", multiplier=100)
    got = {i.title: i.value for i in FEES.items(opt, TrdSide.BUY, 10, 5.0)}
    assert got == {"佣金": 6.5, "平台使用费": 3.0, "期权监管费": 0.27, "期权清算费": 0.2}

