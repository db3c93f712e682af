"""System protocols: InitConnect 1001, GetGlobalState 1002, KeepAlive 1004,
GetUserInfo 1005, GetDelayStatistics 1007, and the Notify 1003 pushes."""

from __future__ import annotations

import secrets
import string
import time

from openfutu.protocol.crypto import PacketEncAlgo, body_cipher
from openfutu.protocol.frame import ProtoFmt
from openfutu.protocol.pb import (
    GetDelayStatistics_pb2,
    GetGlobalState_pb2,
    GetUserInfo_pb2,
    InitConnect_pb2,
    KeepAlive_pb2,
    Notify_pb2,
)

from ..dispatch import ApiError, RequestContext, handles

SERVER_VERSION = 1000  # our serverVer: 10.00, the API generation we follow
SERVER_BUILD_NO = 1
_KEY_ALPHABET = string.ascii_letters + string.digits

# Quote rights of the simulated account: everything the simulator serves.
QOT_RIGHT_LEVEL2 = 3  # Qot_Common.QotRight_Level2
QOT_RIGHT_LEVEL1 = 2
PROGRAM_STATUS_READY = 10  # Common.ProgramStatusType_Ready
NOTIFY_PROGRAM_STATUS = 2  # Notify.NotifyType_ProgramStatus
NOTIFY_CONN_STATUS = 3  # Notify.NotifyType_ConnStatus
USER_ATTRIBUTION_NN = 1  # Common.UserAttribution_NN


def _random_key() -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


@handles(1001)
def init_connect(ctx: RequestContext, c2s: InitConnect_pb2.C2S) -> InitConnect_pb2.S2C:
    session, gateway = ctx.session, ctx.gateway
    if not gateway.register_session(session):
        session.close_after_reply = True
        raise ApiError(
            f"too many API connections: at most {gateway.config.openfutu_max_connections}"
        )
    algo = PacketEncAlgo.FTAES_ECB  # the default when packetEncAlgo is absent
    if c2s.HasField("packetEncAlgo"):
        try:
            algo = PacketEncAlgo(c2s.packetEncAlgo)
        except ValueError:
            raise ApiError(f"unknown packetEncAlgo {c2s.packetEncAlgo}") from None
    if c2s.HasField("pushProtoFmt"):
        if c2s.pushProtoFmt not in (ProtoFmt.PROTOBUF, ProtoFmt.JSON):
            raise ApiError(f"unknown pushProtoFmt {c2s.pushProtoFmt}")
    session.push_fmt = gateway.config.push_format_for(
        c2s.pushProtoFmt if c2s.HasField("pushProtoFmt") else None
    )
    session.client_id = c2s.clientID
    session.client_ver = c2s.clientVer
    session.recv_notify = c2s.recvNotify

    aes_key = _random_key()
    s2c = InitConnect_pb2.S2C(
        serverVer=SERVER_VERSION,
        loginUserID=gateway.services.login_user_id,
        connID=session.conn_id,
        connAESKey=aes_key,
        keepAliveInterval=gateway.config.openfutu_keepalive_interval,
        userAttribution=USER_ATTRIBUTION_NN,
    )
    # Encrypt only when the gateway has a key and the client did not opt out
    # (docs L11668: an RSA-configured OpenD encrypts the session).
    encrypt = gateway.rsa_key is not None and algo != PacketEncAlgo.NONE
    session.encrypted_session = encrypt and session.stream.init_request_was_encrypted
    if gateway.rsa_key is not None and algo != PacketEncAlgo.NONE and not session.encrypted_session:
        raise ApiError("this OpenD requires an RSA-encrypted InitConnect")
    if encrypt:
        iv = None
        if algo == PacketEncAlgo.AES_CBC and gateway.config.openfutu_aes_mode == "ftaes_ecb":
            algo = PacketEncAlgo.FTAES_ECB  # answer like an OpenD that speaks only Futu ECB
        if algo == PacketEncAlgo.AES_CBC:
            iv = _random_key()
            s2c.aesCBCiv = iv
        session.pending_cipher = body_cipher(
            algo, aes_key.encode(), iv.encode() if iv is not None else None
        )
    session.initialized = True
    return s2c


@handles(1004)
def keep_alive(ctx: RequestContext, c2s: KeepAlive_pb2.C2S) -> KeepAlive_pb2.S2C:
    return KeepAlive_pb2.S2C(time=int(time.time()))


_STATE_FIELDS = {
    "HK": "marketHK",
    "US": "marketUS",
    "SH": "marketSH",
    "SZ": "marketSZ",
    "HK_FUTURE": "marketHKFuture",
    "US_FUTURE": "marketUSFuture",
    "SG_FUTURE": "marketSGFuture",
    "JP_FUTURE": "marketJPFuture",
    "SG": "marketSG",
    "MY": "marketMY",
    "JP": "marketJP",
}


@handles(1002)
def get_global_state(ctx: RequestContext, c2s: GetGlobalState_pb2.C2S) -> GetGlobalState_pb2.S2C:
    # c2s.userID is deprecated and ignored (spec opend-and-protocol §10.2)
    services = ctx.gateway.services
    now = services.clock.now()
    s2c = GetGlobalState_pb2.S2C(
        qotLogined=True,
        trdLogined=True,
        serverVer=SERVER_VERSION,
        serverBuildNo=SERVER_BUILD_NO,
        time=int(now.timestamp()),
        localTime=now.timestamp(),
        connID=ctx.session.conn_id,
    )
    for market, state in services.market_states().items():
        field = _STATE_FIELDS.get(market)
        if field is not None:
            setattr(s2c, field, int(state))
    s2c.programStatus.type = PROGRAM_STATUS_READY
    return s2c


@handles(1005)
def get_user_info(ctx: RequestContext, c2s: GetUserInfo_pb2.C2S) -> GetUserInfo_pb2.S2C:
    config = ctx.gateway.config
    # flag 0 or absent means every field (spec opend-and-protocol §10.5)
    return GetUserInfo_pb2.S2C(
        nickName=config.login_account or "openfutu",
        avatarUrl="",
        apiLevel="",
        userID=ctx.gateway.services.login_user_id,
        isNeedAgreeDisclaimer=False,
        updateType=0,
        webKey="",
        hkQotRight=QOT_RIGHT_LEVEL2,
        usQotRight=QOT_RIGHT_LEVEL2,
        cnQotRight=QOT_RIGHT_LEVEL2,
        shQotRight=QOT_RIGHT_LEVEL2,
        szQotRight=QOT_RIGHT_LEVEL2,
        hkOptionQotRight=QOT_RIGHT_LEVEL2,
        hasUSOptionQotRight=True,
        usOptionQotRight=QOT_RIGHT_LEVEL2,
        hkFutureQotRight=QOT_RIGHT_LEVEL2,
        usFutureQotRight=QOT_RIGHT_LEVEL1,
        sgFutureQotRight=QOT_RIGHT_LEVEL1,
        jpFutureQotRight=QOT_RIGHT_LEVEL1,
        subQuota=config.openfutu_sub_quota,
        historyKLQuota=config.openfutu_history_kl_quota,
        userAttribution=USER_ATTRIBUTION_NN,
    )


DELAY_TYPE_REQ_REPLY = 2  # GetDelayStatistics.DelayStatisticsType_ReqReply


@handles(1007)
def get_delay_statistics(
    ctx: RequestContext, c2s: GetDelayStatistics_pb2.C2S
) -> GetDelayStatistics_pb2.S2C:
    s2c = GetDelayStatistics_pb2.S2C()
    wanted = set(c2s.typeList)
    if DELAY_TYPE_REQ_REPLY in wanted:
        for proto_id, delay in sorted(ctx.gateway.delay_stats.replies.items()):
            s2c.reqReplyStatisticsList.add(
                protoID=proto_id,
                count=delay.count,
                totalCostAvg=delay.average_ms,
                openDCostAvg=delay.average_ms,
                netDelayAvg=0.0,
                isLocalReply=True,
            )
    # Quote push and place-order statistics are filled by the push hub and the
    # broker once they record them; until then their lists are empty.
    return s2c


def program_status_notify(status_type: int, desc: str = "") -> Notify_pb2.S2C:
    s2c = Notify_pb2.S2C(type=NOTIFY_PROGRAM_STATUS)
    s2c.programStatus.programStatus.type = status_type
    if desc:
        s2c.programStatus.programStatus.strExtDesc = desc
    return s2c


def conn_status_notify(qot_logined: bool, trd_logined: bool) -> Notify_pb2.S2C:
    s2c = Notify_pb2.S2C(type=NOTIFY_CONN_STATUS)
    s2c.connectStatus.qotLogined = qot_logined
    s2c.connectStatus.trdLogined = trd_logined
    return s2c
