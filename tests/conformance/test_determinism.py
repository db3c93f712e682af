"""Two gateways with the same seed and the same virtual clock start answer
request_history_kline and get_market_snapshot with identical bytes; another
seed gives another market."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from openfutu.gateway.dispatch import ROUTES
from openfutu.gateway.testing import InProcessGateway, RawConnection
from openfutu.protocol.pb import Qot_RequestHistoryKL_pb2

HKT = dt.timezone(dt.timedelta(hours=8))
CLOCK_START = dt.datetime(2025, 3, 5, 11, 0, tzinfo=HKT)  # HK morning session
FROZEN = "0.000001"  # virtual seconds per real second: the market barely moves during a test

KLINE_QUERIES = [
    ("HK.00700", 2, 1, "2024-01-01 00:00:00", "2025-03-05 23:59:59"),  # day, qfq, incl. today's bar
    ("HK.00700", 1, 0, "2025-03-04 00:00:00", "2025-03-05 23:59:59"),  # 1 min, raw
    ("US.AAPL", 9, 2, "2025-02-03 00:00:00", "2025-03-04 23:59:59"),  # 60 min, hfq
    ("SH.600519", 3, 1, "2020-01-01 00:00:00", "2025-03-05 23:59:59"),  # week
]
SNAPSHOT_CODES = ["HK.00700", "HK.02800", "US.AAPL", "SH.600519", "SZ.000001", "HK.800000", "HK.HSImain"]
_MARKETS = {"HK": 1, "US": 11, "SH": 21, "SZ": 22}


def security(code: str) -> dict[str, Any]:
    prefix, _, rest = code.partition(".")
    return {"market": _MARKETS[prefix], "code": rest}


def kline_bodies(port: int) -> list[bytes]:
    out = []
    with RawConnection(port) as conn:
        assert conn.init_connect().retType == 0
        for code, kl_type, rehab, begin, end in KLINE_QUERIES:
            c2s = Qot_RequestHistoryKL_pb2.C2S(security=security(code), klType=kl_type, rehabType=rehab,
                                               beginTime=begin, endTime=end, maxAckKLNum=1000)
            while True:
                reply = conn.request(3103, c2s)
                assert reply.retType == 0, reply.retMsg
                out.append(reply.SerializeToString(deterministic=True))
                if not reply.s2c.HasField("nextReqKey"):
                    break
                c2s.nextReqKey = reply.s2c.nextReqKey
    return out


def snapshot_body(port: int) -> bytes:
    from openfutu.protocol.pb import Qot_GetSecuritySnapshot_pb2

    with RawConnection(port) as conn:
        assert conn.init_connect().retType == 0
        c2s = Qot_GetSecuritySnapshot_pb2.C2S(securityList=[security(c) for c in SNAPSHOT_CODES])
        reply = conn.request(3203, c2s)
        assert reply.retType == 0, reply.retMsg
        return reply.SerializeToString(deterministic=True)


def gateway(path: Path, seed: int) -> InProcessGateway:
    return InProcessGateway(openfutu_clock="virtual", openfutu_clock_start=CLOCK_START.isoformat(),
                            openfutu_clock_speed=FROZEN, openfutu_seed=seed, openfutu_data_dir=str(path))


def test_same_seed_same_klines(tmp_path: Path) -> None:
    with gateway(tmp_path / "a", 11) as a, gateway(tmp_path / "b", 11) as b:
        first, second = kline_bodies(a.port), kline_bodies(b.port)
    assert len(first) == len(second) >= len(KLINE_QUERIES)
    assert first == second


def test_another_seed_another_market(tmp_path: Path) -> None:
    with gateway(tmp_path / "a", 11) as a, gateway(tmp_path / "b", 12) as b:
        assert kline_bodies(a.port) != kline_bodies(b.port)


def test_same_seed_same_snapshots(tmp_path: Path) -> None:
    if 3203 not in ROUTES:
        pytest.skip("get_market_snapshot (3203) has no handler yet")
    with gateway(tmp_path / "a", 11) as a, gateway(tmp_path / "b", 11) as b:
        assert snapshot_body(a.port) == snapshot_body(b.port)
