"""Trade enums of the simulated broker.

Integer values equal the wire values of Trd_Common (and Common.Session) so
the gateway can copy them into protobuf fields unchanged.  Names follow the
official Python SDK constants; ``NONE`` stands for the proto ``Unknown``.
"""

from __future__ import annotations

from enum import IntEnum


class TrdEnv(IntEnum):
    SIMULATE = 0
    REAL = 1


class TrdCategory(IntEnum):
    NONE = 0
    SECURITY = 1
    FUTURE = 2
    CRYPTO = 3


class TrdMarket(IntEnum):
    NONE = 0
    HK = 1
    US = 2
    CN = 3
    HKCC = 4
    FUTURES = 5
    SG = 6
    CRYPTO = 7
    AU = 8
    FUTURES_SIMULATE_HK = 10
    FUTURES_SIMULATE_US = 11
    FUTURES_SIMULATE_SG = 12
    FUTURES_SIMULATE_JP = 13
    JP = 15
    PREDICTION = 17
    MY = 111
    CA = 112
    HKFUND = 113
    USFUND = 123
    SGFUND = 124
    MYFUND = 125
    JPFUND = 126


class TrdSecMarket(IntEnum):
    NONE = 0
    HK = 1
    US = 2
    CN_SH = 31
    CN_SZ = 32
    SG = 41
    JP = 51
    AU = 61
    MY = 71
    CA = 81
    FX = 91
    CC = 101
    EC = 111


class TrdSide(IntEnum):
    NONE = 0
    BUY = 1
    SELL = 2
    SELL_SHORT = 3
    BUY_BACK = 4

    @property
    def is_buy(self) -> bool:
        return self in (TrdSide.BUY, TrdSide.BUY_BACK)


class OrderType(IntEnum):
    NONE = 0
    NORMAL = 1
    MARKET = 2
    ABSOLUTE_LIMIT = 5
    AUCTION = 6
    AUCTION_LIMIT = 7
    SPECIAL_LIMIT = 8
    SPECIAL_LIMIT_ALL = 9
    STOP = 10
    STOP_LIMIT = 11
    MARKET_IF_TOUCHED = 12
    LIMIT_IF_TOUCHED = 13
    TRAILING_STOP = 14
    TRAILING_STOP_LIMIT = 15
    TWAP = 16
    TWAP_LIMIT = 17
    VWAP = 18
    VWAP_LIMIT = 19


class TrailType(IntEnum):
    NONE = 0
    RATIO = 1
    AMOUNT = 2


class OrderStatus(IntEnum):
    NONE = -1
    UNSUBMITTED = 0
    WAITING_SUBMIT = 1
    SUBMITTING = 2
    SUBMIT_FAILED = 3
    TIMEOUT = 4
    SUBMITTED = 5
    FILLED_PART = 10
    FILLED_ALL = 11
    CANCELLING_PART = 12
    CANCELLING_ALL = 13
    CANCELLED_PART = 14
    CANCELLED_ALL = 15
    FAILED = 21
    DISABLED = 22
    DELETED = 23
    FILL_CANCELLED = 24


class DealStatus(IntEnum):
    """Wire enum OrderFillStatus."""

    OK = 0
    CANCELLED = 1
    CHANGED = 2
    PAYOUT = 3


class PositionSide(IntEnum):
    NONE = -1
    LONG = 0
    SHORT = 1


class ModifyOrderOp(IntEnum):
    NONE = 0
    NORMAL = 1
    CANCEL = 2
    DISABLE = 3
    ENABLE = 4
    DELETE = 5


class TrdAccType(IntEnum):
    NONE = 0
    CASH = 1
    MARGIN = 2
    TFSA = 3
    RRSP = 4
    SRRSP = 5
    DERIVATIVES = 6


class TrdAccStatus(IntEnum):
    ACTIVE = 0
    DISABLED = 1


class TrdAccRole(IntEnum):
    NONE = 0
    NORMAL = 1
    MASTER = 2
    IPO = 3


class Currency(IntEnum):
    NONE = 0
    HKD = 1
    USD = 2
    CNH = 3
    JPY = 4
    SGD = 5
    AUD = 6
    CAD = 7
    MYR = 8
    NZD = 9


class CltRiskLevel(IntEnum):
    NONE = -1
    SAFE = 0
    WARNING = 1
    DANGER = 2
    ABSOLUTE_SAFE = 3
    OPT_DANGER = 4


class CltRiskStatus(IntEnum):
    NONE = 0
    LEVEL1 = 1
    LEVEL2 = 2
    LEVEL3 = 3
    LEVEL4 = 4
    LEVEL5 = 5
    LEVEL6 = 6
    LEVEL7 = 7
    LEVEL8 = 8
    LEVEL9 = 9


class TimeInForce(IntEnum):
    DAY = 0
    GTC = 1
    IOC = 2
    GTD = 3


class SecurityFirm(IntEnum):
    NONE = 0
    FUTUSECURITIES = 1
    FUTUINC = 2
    FUTUSG = 3
    FUTUAU = 4
    FUTUCA = 5
    FUTUMY = 6
    FUTUJP = 7


class SimAccType(IntEnum):
    NONE = 0
    STOCK = 1
    OPTION = 2
    FUTURES = 3
    STOCK_AND_OPTION = 4
    COMPETITION = 5


class DTStatus(IntEnum):
    NONE = 0
    UNLIMITED = 1
    EM_CALL = 2
    DT_CALL = 3


class CashFlowDirection(IntEnum):
    """Wire enum Trd_FlowSummary.TrdCashFlowDirection."""

    NONE = 0
    IN = 1
    OUT = 2


class Session(IntEnum):
    """Common.Session: which US sessions an order works in."""

    NONE = 0
    RTH = 1
    ETH = 2
    ALL = 3
    OVERNIGHT = 4
