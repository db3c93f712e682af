"""Every constant of the futu-api surface.

The string enumerations live in ``enums`` (a data table); this module adds
the non-enum constants and classes and re-exports everything.
"""

from __future__ import annotations

from typing import Iterable

from .enums import *  # noqa: F403
from .enums import PROTO_ID_NAMES, SecurityFirm
from .wire_enum import WireEnum

FtEnum = WireEnum  # the futu-api name of the base class

RET_OK = 0  # docs L11328-L11338
RET_ERROR = -1
ERROR_STR_PREFIX = "ERROR. "
EMPTY_STRING = ""
MESSAGE_HEAD_FMT = "<1s1sI2B2I20s8s"  # the 44-byte header as a struct format
DEFULAT_CLIENT_ID = "PyNormal"  # futu-api's spelling, kept for compatibility
CLIENT_VERSION = 300
DEFAULT_INIT_PRI_KEY_FILE = "conn_key.txt"
API_PROTO_VER = 0
IS_PY2 = False
NoneDataType = "N/A"
NoneDataValue = "N/A"


class ProtoFMT:
    """Body format (docs L11340-L11350)."""

    Protobuf = 0
    Json = 1


DEFULAT_PROTO_FMT = ProtoFMT.Protobuf

ProtoId = type("ProtoId", (), dict(PROTO_ID_NAMES, __doc__="Protocol IDs by name."))
PUSH_PROTO_IDS = frozenset(
    {1003, 2208, 2218, 3005, 3007, 3009, 3011, 3013, 3015, 3019, 3261, 3310, 3450, 3451, 3452}
)


class ContextStatus:
    START = "START"
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"
    READY = "READY"
    CLOSING = "CLOSING"
    CLOSED = "CLOSED"
    WAIT_RECONNECT = "WAIT_RECONNECT"


class UserInfoField:
    BASIC = 1
    API = 2
    QOTRIGHT = 4
    DISCLAIMER = 8
    UPDATE = 16
    WEBKEY = 2048

    @classmethod
    def fields_to_flag_val(cls, fields: Iterable[int]) -> int:
        return sum(set(fields))


class KL_FIELD:  # noqa: N801 - futu-api name
    """K-line columns selectable in history requests."""

    ALL = ""
    DATE_TIME = "1"
    OPEN = "2"
    CLOSE = "3"
    HIGH = "4"
    LOW = "5"
    PE_RATIO = "6"
    TURNOVER_RATE = "7"
    TRADE_VOL = "8"
    TRADE_VAL = "9"
    CHANGE_RATE = "10"
    LAST_CLOSE = "11"
    ALL_REAL = [DATE_TIME, OPEN, CLOSE, HIGH, LOW, PE_RATIO, TURNOVER_RATE, TRADE_VOL,
                TRADE_VAL, CHANGE_RATE, LAST_CLOSE]
    # Qot_Common.KLFields bit per column
    FIELD_FLAG_VAL_MAP = {DATE_TIME: 0, HIGH: 1, OPEN: 2, LOW: 4, CLOSE: 8, LAST_CLOSE: 16,
                          TRADE_VOL: 32, TRADE_VAL: 64, TURNOVER_RATE: 128, PE_RATIO: 256,
                          CHANGE_RATE: 512}
    DICT_KL_FIELD_STR = {DATE_TIME: "time_key", OPEN: "open", CLOSE: "close", HIGH: "high",
                         LOW: "low", PE_RATIO: "pe_ratio", TURNOVER_RATE: "turnover_rate",
                         TRADE_VOL: "volume", TRADE_VAL: "turnover", CHANGE_RATE: "change_rate",
                         LAST_CLOSE: "last_close"}

    @classmethod
    def get_field_list(cls, str_field: object) -> list[str]:
        wanted = str(str_field).split(",")
        if cls.ALL in wanted:
            return list(cls.ALL_REAL)
        return [f for f in wanted if f in cls.ALL_REAL]

    @classmethod
    def normalize_field_list(cls, fields: Iterable[str]) -> list[str]:
        fields = list(fields)
        if cls.ALL in fields:
            return list(cls.ALL_REAL)
        out: list[str] = []
        for f in fields:
            if f in cls.ALL_REAL and f not in out:
                out.append(f)
        return out

    @classmethod
    def kl_fields_to_flag_val(cls, fields: Iterable[str]) -> int:
        return sum(cls.FIELD_FLAG_VAL_MAP[f] for f in cls.normalize_field_list(fields))


KLINE_SUBTYPE_LIST = ["K_DAY", "K_MON", "K_WEEK", "K_1M", "K_3M", "K_5M", "K_10M", "K_15M",
                      "K_30M", "K_60M", "K_120M", "K_180M", "K_240M", "K_QUARTER", "K_YEAR"]

# (trd_market, trd_env) -> whether futu-api lets that environment trade there
_REAL_ONLY = ("HKCC", "SG", "HKFUND", "USFUND", "CA", "MY", "JP", "CRYPTO", "PREDICTION")
MKT_ENV_ENABLE_MAP: dict[tuple[str, str], bool] = {}
for _mkt in ("N/A", "HK", "US", "HKCC", "CN", "FUTURES", "SG", "HKFUND", "USFUND", "CA", "MY",
             "JP", "CRYPTO", "PREDICTION"):
    MKT_ENV_ENABLE_MAP[(_mkt, "REAL")] = _mkt != "CN"
    MKT_ENV_ENABLE_MAP[(_mkt, "SIMULATE")] = _mkt not in _REAL_ONLY
del _mkt

# Qot_Common.QotMarket -> Trd_Common.TrdSecMarket
QOT_MARKET_TO_TRD_SEC_MARKET_MAP = {0: 0, 21: 31, 22: 32, 1: 1, 2: 1, 11: 2, 31: 41, 41: 51,
                                    51: 61, 61: 71, 71: 81, 81: 91, 91: 101, 101: 111}


class TRADE:
    @staticmethod
    def check_mkt_envtype(trd_mkt: str, trd_env: str) -> bool:
        return MKT_ENV_ENABLE_MAP.get((trd_mkt, trd_env), False)


class TimeFilter:
    def __init__(self, type: int, begin_time: str, end_time: str) -> None:  # noqa: A002
        self.type = type
        self.begin_time = begin_time
        self.end_time = end_time


class IndicatorLangType:
    UNKNOWN = 0
    MYLANG = 1
    PYTHON = 2


class IndicatorSearchMode:
    PARTIAL = 0
    EXACT = 1


class ComboLeg:
    """One leg of a combo (multi-leg option) order."""

    def __init__(self) -> None:
        self.code: str | None = None
        self.trd_side: str | None = None
        self.qty_ratio: int | None = None
        self.position_id: int | None = None
        self.pred_side: str | None = None

    def __repr__(self) -> str:
        text = f"ComboLeg(code={self.code}, trd_side={self.trd_side}, qty_ratio={self.qty_ratio}"
        if self.position_id is not None:
            text += f", position_id={self.position_id}"
        if self.pred_side is not None:
            text += f", pred_side={self.pred_side}"
        return text + ")"


_FIRM_LABELS = {
    SecurityFirm.FUTUSECURITIES: "FUTU HK",
    SecurityFirm.FUTUINC: "Moomoo US",
    SecurityFirm.FUTUSG: "Moomoo SG",
    SecurityFirm.FUTUAU: "Moomoo AU",
    SecurityFirm.FUTUCA: "Moomoo CA",
    SecurityFirm.FUTUMY: "Moomoo MY",
    SecurityFirm.FUTUJP: "Moomoo JP",
}


def get_string_by_securityFirm(security_enum: str) -> str:  # noqa: N802 - futu-api name
    return _FIRM_LABELS.get(security_enum, "Unknown security")


__all__ = [name for name in dir() if not name.startswith("_") and name not in
           {"annotations", "Iterable", "PROTO_ID_NAMES"}] + ["WireEnum"]
