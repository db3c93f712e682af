"""Fee schedules per market (order_fee_query, docs L9623-L9698).

The docs give no rates ("each broker has its own schedule", docs L243-L252);
the numbers below are the public Futu HK price plan and the exchange /
regulator rules, named per item.  Fees are computed on an order's cumulative
filled amount so that per-order minimums and caps apply once per order;
each fill is charged the increase.  Titles follow the docs example
(docs L9688: '佣金', '平台使用费').
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from openfutu.broker.enums import TrdSecMarket, TrdSide
from openfutu.broker.market_view import InstrumentInfo, InstrumentKind
from openfutu.broker.model import FeeItem


def _r2(x: float) -> float:
    return round(x + 1e-12, 2)


def _ceil_cents(x: float) -> float:
    return math.ceil(round(x * 100, 6)) / 100


@dataclass(frozen=True, slots=True)
class HKEquityFees:
    commission_rate: float = 0.0003  # Futu HK: 0.03 % of value
    commission_min: float = 3.0  # Futu HK: HKD 3 per order
    platform_fee: float = 15.0  # Futu HK fixed plan: HKD 15 per order
    stamp_duty_rate: float = 0.001  # exchange rule: 0.1 % both sides, rounded up to HKD 1
    sfc_levy_rate: float = 0.000027  # exchange rule: SFC transaction levy 0.0027 %
    afrc_levy_rate: float = 0.0000015  # exchange rule: AFRC levy 0.00015 %
    trading_fee_rate: float = 0.0000565  # exchange rule: HKEX trading fee 0.00565 %
    settlement_rate: float = 0.00002  # exchange rule: CCASS 0.002 %, min HKD 2, max HKD 100
    settlement_min: float = 2.0
    settlement_max: float = 100.0

    def items(self, info: InstrumentInfo, side: TrdSide, qty: float, value: float) -> list[FeeItem]:
        out = [
            FeeItem("佣金", _r2(max(value * self.commission_rate, self.commission_min))),
            FeeItem("平台使用费", self.platform_fee),
        ]
        # exchange rule: ETFs, warrants, CBBCs and inline warrants are exempt from stamp duty
        if info.kind == InstrumentKind.STOCK:
            out.append(FeeItem("印花税", float(math.ceil(round(value * self.stamp_duty_rate, 6)))))
        out += [
            FeeItem("交易征费", _r2(value * self.sfc_levy_rate)),
            FeeItem("财务汇报局交易征费", _r2(value * self.afrc_levy_rate)),
            FeeItem("交易费", _r2(value * self.trading_fee_rate)),
            FeeItem(
                "交收费",
                _r2(min(max(value * self.settlement_rate, self.settlement_min), self.settlement_max)),
            ),
        ]
        return out


@dataclass(frozen=True, slots=True)
class USEquityFees:
    commission_per_share: float = 0.0049  # Futu: USD 0.0049 per share
    commission_min: float = 0.99  # Futu: USD 0.99 per order
    platform_per_share: float = 0.005  # Futu: USD 0.005 per share
    platform_min: float = 1.0  # Futu: USD 1 per order
    settlement_per_share: float = 0.003  # clearing: USD 0.003 per share, at most 7 % of value
    sec_fee_rate: float = 0.0000278  # exchange rule: SEC Section 31 fee, USD 27.80 per million, sells only
    taf_per_share: float = 0.000166  # exchange rule: FINRA TAF, sells only
    taf_min: float = 0.01
    taf_max: float = 8.30
    # options (per contract)
    option_commission: float = 0.65
    option_commission_min: float = 1.99
    option_platform: float = 0.30
    option_platform_min: float = 1.0
    option_orf: float = 0.02685  # exchange rule: Options Regulatory Fee per contract
    option_occ: float = 0.02  # OCC clearing fee per contract
    option_taf: float = 0.00279  # exchange rule: FINRA TAF per option contract, sells

    def items(self, info: InstrumentInfo, side: TrdSide, qty: float, value: float) -> list[FeeItem]:
        sell = not side.is_buy
        if info.kind == InstrumentKind.OPTION:
            out = [
                FeeItem("佣金", _r2(max(qty * self.option_commission, self.option_commission_min))),
                FeeItem("平台使用费", _r2(max(qty * self.option_platform, self.option_platform_min))),
                FeeItem("期权监管费", _ceil_cents(qty * self.option_orf)),
                FeeItem("期权清算费", _r2(qty * self.option_occ)),
            ]
            if sell:
                out.append(FeeItem("交易活动费", max(_ceil_cents(qty * self.option_taf), 0.01)))
                out.append(FeeItem("证监会规费", max(_ceil_cents(value * self.sec_fee_rate), 0.01)))
            return out
        out = [
            FeeItem("佣金", _r2(max(qty * self.commission_per_share, self.commission_min))),
            FeeItem("平台使用费", _r2(max(qty * self.platform_per_share, self.platform_min))),
            FeeItem("交收费", _r2(min(qty * self.settlement_per_share, value * 0.07))),
        ]
        if sell:
            out.append(FeeItem("证监会规费", max(_ceil_cents(value * self.sec_fee_rate), 0.01)))
            out.append(
                FeeItem("交易活动费", min(max(_ceil_cents(qty * self.taf_per_share), self.taf_min), self.taf_max))
            )
        return out


@dataclass(frozen=True, slots=True)
class CNEquityFees:
    commission_rate: float = 0.0003  # Futu A-share: 0.03 %
    commission_min: float = 3.0  # CNY 3 per order
    platform_fee: float = 15.0  # CNY 15 per order
    stamp_duty_rate: float = 0.0005  # exchange rule: 0.05 % on sells only (since 2023-08-28)
    transfer_fee_rate: float = 0.00001  # exchange rule: ChinaClear transfer fee 0.001 %
    handling_fee_rate: float = 0.0000341  # exchange rule: SSE/SZSE handling fee 0.00341 %
    management_fee_rate: float = 0.00002  # exchange rule: CSRC securities management fee 0.002 %

    def items(self, info: InstrumentInfo, side: TrdSide, qty: float, value: float) -> list[FeeItem]:
        out = [
            FeeItem("佣金", _r2(max(value * self.commission_rate, self.commission_min))),
            FeeItem("平台使用费", self.platform_fee),
        ]
        if not side.is_buy:
            out.append(FeeItem("印花税", _r2(value * self.stamp_duty_rate)))
        out += [
            FeeItem("过户费", _r2(value * self.transfer_fee_rate)),
            FeeItem("经手费", _r2(value * self.handling_fee_rate)),
            FeeItem("证管费", _r2(value * self.management_fee_rate)),
        ]
        return out


@dataclass(frozen=True, slots=True)
class PerContractFees:
    """Futures (and HK options): fixed amounts per contract."""

    commission: float
    platform: float
    exchange: float
    regulatory: float = 0.0

    def items(self, info: InstrumentInfo, side: TrdSide, qty: float, value: float) -> list[FeeItem]:
        out = [
            FeeItem("佣金", _r2(qty * self.commission)),
            FeeItem("平台使用费", _r2(qty * self.platform)),
            FeeItem("交易所费用", _r2(qty * self.exchange)),
        ]
        if self.regulatory:
            out.append(FeeItem("监管费", _r2(qty * self.regulatory)))
        return out


def _default_futures() -> dict[TrdSecMarket, PerContractFees]:
    return {
        # HKEX HSI futures: exchange fee HKD 10, SFC levy HKD 0.54 per contract (exchange rule)
        TrdSecMarket.HK: PerContractFees(commission=10.0, platform=0.0, exchange=10.0, regulatory=0.54),
        # CME E-mini class: exchange+clearing ~USD 1.38, NFA USD 0.02 per contract (exchange rule)
        TrdSecMarket.US: PerContractFees(commission=0.85, platform=0.0, exchange=1.38, regulatory=0.02),
        TrdSecMarket.SG: PerContractFees(commission=1.5, platform=0.0, exchange=1.0),
        TrdSecMarket.JP: PerContractFees(commission=300.0, platform=0.0, exchange=100.0),
    }


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    hk_equity: HKEquityFees = field(default_factory=HKEquityFees)
    us_equity: USEquityFees = field(default_factory=USEquityFees)
    cn_equity: CNEquityFees = field(default_factory=CNEquityFees)
    # HK stock options: Futu HK HKD 3 per contract + platform HKD 3, HKEX fee HKD 0.5 (exchange rule)
    hk_option: PerContractFees = field(
        default_factory=lambda: PerContractFees(commission=3.0, platform=3.0, exchange=0.5)
    )
    futures: dict[TrdSecMarket, PerContractFees] = field(default_factory=_default_futures)
    enabled: bool = True

    def items(self, info: InstrumentInfo, side: TrdSide, qty: float, price: float) -> list[FeeItem]:
        """Fee items of an order whose cumulative fills are ``qty`` at average ``price``."""
        if not self.enabled or qty <= 0:
            return []
        value = qty * price * info.multiplier
        if info.kind == InstrumentKind.FUTURE:
            sched = self.futures.get(info.sec_market)
            return sched.items(info, side, qty, value) if sched else []
        if info.sec_market == TrdSecMarket.HK:
            if info.kind == InstrumentKind.OPTION:
                return self.hk_option.items(info, side, qty, value)
            return self.hk_equity.items(info, side, qty, value)
        if info.sec_market == TrdSecMarket.US:
            return self.us_equity.items(info, side, qty, value)
        if info.sec_market in (TrdSecMarket.CN_SH, TrdSecMarket.CN_SZ):
            return self.cn_equity.items(info, side, qty, value)
        return []

    def total(self, info: InstrumentInfo, side: TrdSide, qty: float, price: float) -> float:
        return _r2(sum(i.value for i in self.items(info, side, qty, price)))
