"""Trade contexts: OpenSecTradeContext and OpenFutureTradeContext (first layer:
account list, unlock, account-push subscription and their restore)."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from openfutu.protocol.pb import Trd_GetAccList_pb2, Trd_SubAccPush_pb2, Trd_UnlockTrade_pb2

from .constants import RET_ERROR, RET_OK, TRADE, NoneDataValue
from .context import OpenContextBase
from .enums import (
    SecurityFirm,
    SimAccType,
    SubAccType,
    TrdAccRole,
    TrdAccStatus,
    TrdAccType,
    TrdCategory,
    TrdEnv,
    TrdMarket,
)
from .parsing import Column, opt, req, row

Result = tuple[int, Any]

NO_NEED_UNLOCK = "No need to unlock, because REAL trade is not supported in this market"
MISSING_PASSWORD = ("Missing necessary parameter. One of the two parameters (password and "
                    "password_md5) is required.")
_FUTURES_SIM = (TrdMarket.FUTURES_SIMULATE_HK, TrdMarket.FUTURES_SIMULATE_US,
                TrdMarket.FUTURES_SIMULATE_JP, TrdMarket.FUTURES_SIMULATE_SG, TrdMarket.PREDICTION)

ACC_COLUMNS: list[Column] = [
    Column("acc_id", req("accID")),
    Column("trd_env", opt("trdEnv", TrdEnv.to_string2)),
    Column("acc_type", opt("accType", TrdAccType.to_string2, TrdAccType.NONE)),
    Column("uni_card_num", opt("uniCardNum")),
    Column("card_num", opt("cardNum")),
    Column("security_firm", opt("securityFirm", SecurityFirm.to_string2, SecurityFirm.NONE)),
    Column("sim_acc_type", opt("simAccType", SimAccType.to_string2, SimAccType.NONE)),
    Column("competition_acc_name", opt("competitionAccName")),
    Column("trdmarket_auth", lambda pb: [TrdMarket.to_string2(m) for m in pb.trdMarketAuthList]),
    Column("acc_status", opt("accStatus", TrdAccStatus.to_string2)),
    Column("acc_role", opt("accRole", TrdAccRole.to_string2)),
    Column("jp_acc_type", lambda pb: [SubAccType.to_string2(t) for t in pb.jpAccType]),
]


class OpenTradeContextBase(OpenContextBase):
    def __init__(self, trd_mkt: str, host: str = "127.0.0.1", port: int = 11111,
                 is_encrypt: bool | None = None, security_firm: str = SecurityFirm.FUTUSECURITIES,
                 trd_category: str = TrdCategory.NONE, need_general_sec_acc: bool = False,
                 ai_type: int = 0) -> None:
        if not SecurityFirm.if_has_key(security_firm):
            raise ValueError("Invalid SecurityFirm value. Use allowed enum value "
                             "(e.g., FUTUSECURITIES, FUTUINC, FUTUSG).")
        self._trd_mkt = trd_mkt
        self._security_firm = security_firm
        self._trd_category = trd_category
        self._need_general_sec_acc = need_general_sec_acc
        self._unlock_md5: str | None = None  # kept to re-unlock after a reconnect
        self._accounts: list[dict[str, Any]] = []
        super().__init__(host, port, is_encrypt)

    def _acc_list_request(self) -> Trd_GetAccList_pb2.Request:
        r = Trd_GetAccList_pb2.Request()
        r.c2s.userID = self.get_login_user_id()
        r.c2s.trdCategory = TrdCategory.to_number(self._trd_category)[1]
        r.c2s.needGeneralSecAccount = self._need_general_sec_acc
        return r

    def _wanted(self, acc: dict[str, Any]) -> bool:
        markets = acc["trdmarket_auth"]
        if not (self._trd_mkt == TrdMarket.NONE or self._trd_mkt in markets
                or any(m in _FUTURES_SIM for m in markets)):
            return False
        # simulated accounts are returned whatever the broker (spec §14.3)
        return (acc["trd_env"] == TrdEnv.SIMULATE or acc["security_firm"] == NoneDataValue
                or self._security_firm == SecurityFirm.NONE
                or acc["security_firm"] == self._security_firm)

    def get_acc_list(self) -> Result:
        ret, rsp = self._request(2001, self._acc_list_request())
        if ret != RET_OK:
            return RET_ERROR, rsp
        self._accounts = [a for a in (row(pb, ACC_COLUMNS) for pb in rsp.s2c.accList)
                          if self._wanted(a)]
        return RET_OK, pd.DataFrame([dict(a) for a in self._accounts],
                                    columns=[c.name for c in ACC_COLUMNS])

    def unlock_trade(self, password: str | None = None, password_md5: str | None = None,
                     is_unlock: bool = True) -> Result:
        md5 = ""
        if is_unlock:
            if not TRADE.check_mkt_envtype(self._trd_mkt, TrdEnv.REAL):
                return RET_OK, NO_NEED_UNLOCK
            if password is None and password_md5 is None:
                return RET_ERROR, MISSING_PASSWORD
            md5 = str(password_md5) if password_md5 else hashlib.md5(str(password).encode()).hexdigest()
        if not self._accounts:
            ret, data = self.get_acc_list()
            if ret != RET_OK:
                return ret, data
        ret, rsp = self._request(2005, self._unlock_request(is_unlock, md5))
        if ret != RET_OK:
            return RET_ERROR, rsp
        self._unlock_md5 = md5 if is_unlock else None
        if is_unlock:
            self._subscribe_acc_push_sync()
        return RET_OK, (rsp.retMsg or None) if rsp.HasField("retMsg") else None

    def _unlock_request(self, is_unlock: bool, md5: str) -> Trd_UnlockTrade_pb2.Request:
        r = Trd_UnlockTrade_pb2.Request()
        r.c2s.unlock = is_unlock
        r.c2s.pwdMD5 = md5
        r.c2s.securityFirm = SecurityFirm.to_number(self._security_firm)[1]
        return r

    def _acc_push_request(self) -> Trd_SubAccPush_pb2.Request:
        r = Trd_SubAccPush_pb2.Request()
        r.c2s.accIDList.extend(a["acc_id"] for a in self._accounts)
        return r

    def _subscribe_acc_push_sync(self) -> None:
        if self._accounts:
            self._request(2008, self._acc_push_request())

    async def _restore_session(self) -> None:
        """After a reconnect: re-unlock with the cached password, refetch the
        account list and re-subscribe account pushes (spec §11)."""
        if self._unlock_md5:
            await self._conn.request(2005, self._unlock_request(True, self._unlock_md5))
        rsp = await self._conn.request(2001, self._acc_list_request())
        if rsp.retType == 0:
            self._accounts = [a for a in (row(pb, ACC_COLUMNS) for pb in rsp.s2c.accList)
                              if self._wanted(a)]
        if self._accounts:
            await self._conn.request(2008, self._acc_push_request())


class OpenSecTradeContext(OpenTradeContextBase):
    def __init__(self, filter_trdmarket: str = TrdMarket.HK, host: str = "127.0.0.1",
                 port: int = 11111, is_encrypt: bool | None = None,
                 security_firm: str = SecurityFirm.NONE, ai_type: int = 0) -> None:
        super().__init__(filter_trdmarket, host, port, is_encrypt=is_encrypt,
                         security_firm=security_firm, trd_category=TrdCategory.SECURITY,
                         need_general_sec_acc=True, ai_type=ai_type)


class OpenFutureTradeContext(OpenTradeContextBase):
    def __init__(self, host: str = "127.0.0.1", port: int = 11111, is_encrypt: bool | None = None,
                 security_firm: str = SecurityFirm.NONE, ai_type: int = 0) -> None:
        super().__init__(TrdMarket.FUTURES, host, port, is_encrypt=is_encrypt,
                         security_firm=security_firm, trd_category=TrdCategory.FUTURE,
                         ai_type=ai_type)
