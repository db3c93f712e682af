"""Price reminders (3220/3221) and watchlists (3213/3214/3222) through the
official client, against a small market injected into the gateway: every
operation, the documented limits and errors, and persistence across a
gateway restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_quote_screening import SmallMarket, start_gateway

from openfutu.gateway.testing import RawConnection
from openfutu.protocol.pb import (
    Qot_GetPriceReminder_pb2,
    Qot_GetUserSecurity_pb2,
    Qot_GetUserSecurityGroup_pb2,
    Qot_ModifyUserSecurity_pb2,
    Qot_SetPriceReminder_pb2,
)

futu = pytest.importorskip("futu")
RET_OK = futu.RET_OK
REMINDER_COLUMNS = ["code", "name", "key", "reminder_type", "reminder_freq", "value", "enable",
                    "note", "reminder_session_list"]
USER_SECURITY_COLUMNS = ["code", "name", "lot_size", "stock_type", "stock_child_type", "stock_owner",
                         "option_type", "strike_time", "strike_price", "suspension", "listing_date",
                         "stock_id", "delisting", "main_contract", "last_trade_time"]


@pytest.fixture
def gateway(tmp_path: Path):
    gw = start_gateway(tmp_path)
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture
def quote_ctx(gateway):
    ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gateway.port)
    try:
        yield ctx
    finally:
        ctx.close()


def add(ctx, code="HK.00001", rtype=None, value=10.0, note="n", freq=None):
    return ctx.set_price_reminder(code, futu.SetPriceReminderOp.ADD,
                                  reminder_type=rtype or futu.PriceReminderType.PRICE_UP,
                                  reminder_freq=freq or futu.PriceReminderFreq.ALWAYS, value=value, note=note)


# ------------------------------------------------------------ price reminders


def test_reminder_lifecycle(quote_ctx):
    ret, key = add(quote_ctx, value=12.5, note="breakout")
    assert ret == RET_OK and isinstance(key, int) and key > 10**15  # Futu-shaped key (docs L5138)
    ret, data = quote_ctx.get_price_reminder(code="HK.00001")
    assert ret == RET_OK, data
    assert list(data.columns) == REMINDER_COLUMNS
    row = data.iloc[0]
    assert (row["code"], row["name"], row["key"], row["reminder_type"], row["reminder_freq"]) == \
        ("HK.00001", "HK Stock 00", key, "PRICE_UP", "ALWAYS")
    assert row["value"] == 12.5 and row["enable"] and row["note"] == "breakout"
    assert row["reminder_session_list"] == ["OPEN", "US_PRE", "US_AFTER"]  # the SDK's default

    ret, same = quote_ctx.set_price_reminder("HK.00001", futu.SetPriceReminderOp.DISABLE, key=key)
    assert (ret, same) == (RET_OK, key)
    assert not quote_ctx.get_price_reminder(code="HK.00001")[1].iloc[0]["enable"]
    assert quote_ctx.set_price_reminder("HK.00001", futu.SetPriceReminderOp.ENABLE, key=key)[0] == RET_OK
    ret, _ = quote_ctx.set_price_reminder("HK.00001", futu.SetPriceReminderOp.MODIFY, key=key, value=13.0,
                                          reminder_freq=futu.PriceReminderFreq.ONCE_A_DAY)
    assert ret == RET_OK
    row = quote_ctx.get_price_reminder(code="HK.00001")[1].iloc[0]
    assert (row["value"], row["reminder_freq"], row["note"], row["reminder_type"], row["enable"]) == \
        (13.0, "ONCE_A_DAY", "breakout", "PRICE_UP", True)  # MODIFY keeps what it omits
    assert quote_ctx.set_price_reminder("HK.00001", futu.SetPriceReminderOp.DEL, key=key)[0] == RET_OK
    ret, data = quote_ctx.get_price_reminder(code="HK.00001")
    assert ret == RET_OK and len(data) == 0


def test_delete_all_and_market_query(quote_ctx):
    add(quote_ctx, "HK.00001")
    add(quote_ctx, "HK.00001", futu.PriceReminderType.PRICE_DOWN, 5.0)
    add(quote_ctx, "HK.00002")
    add(quote_ctx, "US.AAPL", value=200.0)
    add(quote_ctx, "SH.600519", value=1600.0)
    ret, hk = quote_ctx.get_price_reminder(market=futu.Market.HK)
    assert ret == RET_OK and sorted(hk["code"]) == ["HK.00001", "HK.00001", "HK.00002"]
    ret, cn = quote_ctx.get_price_reminder(market=futu.Market.SZ)  # SH and SZ are one market
    assert list(cn["code"]) == ["SH.600519"]
    ret, _ = quote_ctx.set_price_reminder("HK.00001", futu.SetPriceReminderOp.DEL_ALL)
    assert ret == RET_OK
    assert list(quote_ctx.get_price_reminder(market=futu.Market.HK)[1]["code"]) == ["HK.00002"]


def test_value_is_floored_to_the_type_precision(quote_ctx):
    # docs L5147-L5153: turnover to 10, A-share volume to 1000, other prices to 3 decimals
    add(quote_ctx, "HK.00001", futu.PriceReminderType.TURNOVER_UP, 102.0)
    add(quote_ctx, "SH.600519", futu.PriceReminderType.VOLUME_UP, 1999.0)
    add(quote_ctx, "HK.00002", futu.PriceReminderType.PRICE_UP, 1.23456)
    values = {r["code"]: r["value"] for _, r in quote_ctx.get_price_reminder(market=futu.Market.HK)[1].iterrows()}
    assert values == {"HK.00001": 100.0, "HK.00002": 1.234}
    assert quote_ctx.get_price_reminder(code="SH.600519")[1].iloc[0]["value"] == 1000.0


def test_ten_reminders_per_type_per_security(quote_ctx):
    # docs L5158
    for i in range(10):
        assert add(quote_ctx, value=10.0 + i)[0] == RET_OK
    ret, msg = add(quote_ctx, value=30.0)
    assert ret != RET_OK and "10" in msg
    assert add(quote_ctx, rtype=futu.PriceReminderType.PRICE_DOWN, value=5.0)[0] == RET_OK
    assert len(quote_ctx.get_price_reminder(code="HK.00001")[1]) == 11


@pytest.mark.parametrize("call, message", [
    (lambda c: add(c, note="x" * 21), "20"),  # docs L5079
    (lambda c: add(c, code="HK.99999"), "unknown stock"),
    (lambda c: add(c, value=-1.0), "positive"),
    (lambda c: c.set_price_reminder("HK.00001", futu.SetPriceReminderOp.DEL, key=12345), "no price reminder"),
    (lambda c: c.set_price_reminder("HK.00001", futu.SetPriceReminderOp.ADD, value=3.0), "reminder_type"),
])
def test_reminder_errors_change_nothing(quote_ctx, call, message):
    ret, msg = call(quote_ctx)
    assert ret != RET_OK and message in msg
    ret, data = quote_ctx.get_price_reminder(market=futu.Market.HK)
    assert ret == RET_OK and len(data) == 0


def test_key_of_another_security_is_refused(quote_ctx):
    _, key = add(quote_ctx, "HK.00001")
    ret, msg = quote_ctx.set_price_reminder("HK.00002", futu.SetPriceReminderOp.DEL, key=key)
    assert ret != RET_OK
    assert len(quote_ctx.get_price_reminder(code="HK.00001")[1]) == 1


# ----------------------------------------------------------------- watchlists


def test_watchlist_operations(quote_ctx):
    ret, msg = quote_ctx.modify_user_security("Tech", futu.ModifyUserSecurityOp.ADD,
                                              ["HK.00001", "US.AAPL", "US.AAPL250620C200000"])
    assert (ret, msg) == (RET_OK, "success")
    ret, groups = quote_ctx.get_user_security_group(futu.UserSecurityGroupType.CUSTOM)
    assert ret == RET_OK and list(groups["group_name"]) == ["Tech"]
    assert list(groups["group_type"]) == ["CUSTOM"]
    ret, data = quote_ctx.get_user_security("Tech")
    assert ret == RET_OK, data
    assert list(data.columns) == USER_SECURITY_COLUMNS
    assert list(data["code"]) == ["HK.00001", "US.AAPL", "US.AAPL250620C200000"]
    first = data.iloc[0]
    assert (first["name"], first["lot_size"], first["stock_type"]) == ("HK Stock 00", 100, "STOCK")
    option = data.iloc[2]
    assert (option["stock_type"], option["stock_owner"]) == ("DRVT", "US.AAPL")
    # system groups show watched codes by kind (docs L5330-L5344)
    assert list(quote_ctx.get_user_security("US")[1]["code"]) == ["US.AAPL"]
    assert list(quote_ctx.get_user_security("US options")[1]["code"]) == ["US.AAPL250620C200000"]
    assert list(quote_ctx.get_user_security("All")[1]["code"]) == list(data["code"])

    quote_ctx.modify_user_security("Banks", futu.ModifyUserSecurityOp.ADD, ["HK.00001", "HK.00005"])
    assert quote_ctx.modify_user_security("Banks", futu.ModifyUserSecurityOp.MOVE_OUT, ["HK.00001"])[0] == RET_OK
    assert list(quote_ctx.get_user_security("Banks")[1]["code"]) == ["HK.00005"]
    assert "HK.00001" in list(quote_ctx.get_user_security("Tech")[1]["code"])
    assert quote_ctx.modify_user_security("Tech", futu.ModifyUserSecurityOp.DEL, ["HK.00001"])[0] == RET_OK
    assert "HK.00001" not in list(quote_ctx.get_user_security("All")[1]["code"])


def test_group_listing_by_type(quote_ctx):
    quote_ctx.modify_user_security("A", futu.ModifyUserSecurityOp.ADD, ["HK.00001"])
    ret, system = quote_ctx.get_user_security_group(futu.UserSecurityGroupType.SYSTEM)
    assert ret == RET_OK
    assert list(system["group_name"]) == ["All", "CN", "HK", "US", "Options", "HK options",
                                          "US options", "Starred", "Futures"]
    ret, everything = quote_ctx.get_user_security_group(futu.UserSecurityGroupType.ALL)
    assert len(everything) == 10 and everything.iloc[-1]["group_name"] == "A"


@pytest.mark.parametrize("group, op, codes, message", [
    ("HK", "ADD", ["HK.00001"], "custom"),  # docs L5465
    ("All", "DEL", ["HK.00001"], "custom"),
    ("Tech", "ADD", ["HK.99999"], "unknown stock"),
    ("Nope", "MOVE_OUT", ["HK.00001"], "unknown watchlist group"),
])
def test_watchlist_errors(quote_ctx, group, op, codes, message):
    ret, msg = quote_ctx.modify_user_security(group, getattr(futu.ModifyUserSecurityOp, op), codes)
    assert ret != RET_OK and message in msg
    assert len(quote_ctx.get_user_security("All")[1]) == 0


def test_unsupported_and_unknown_groups(quote_ctx):
    ret, msg = quote_ctx.get_user_security("Positions")  # docs L5349
    assert ret != RET_OK and "not supported" in msg
    ret, msg = quote_ctx.get_user_security("Nope")
    assert ret != RET_OK and "unknown" in msg


def test_all_list_cap_of_500(quote_ctx):
    # docs L5466: 500 securities for a user who never traded
    codes = [f"HK.1{i:04d}" for i in range(500)]
    for chunk in range(0, 500, 250):
        assert quote_ctx.modify_user_security("Big", futu.ModifyUserSecurityOp.ADD,
                                              codes[chunk:chunk + 250])[0] == RET_OK
    ret, msg = quote_ctx.modify_user_security("Other", futu.ModifyUserSecurityOp.ADD, ["HK.00001"])
    assert ret != RET_OK and "500" in msg
    ret, groups = quote_ctx.get_user_security_group(futu.UserSecurityGroupType.CUSTOM)
    assert list(groups["group_name"]) == ["Big"]  # the refused ADD left no empty group


# ---------------------------------------------------------- rates, restarts


@pytest.mark.parametrize("proto_id, c2s, limit", [
    (3220, Qot_SetPriceReminder_pb2.C2S(security={"market": 1, "code": "00001"}, op=6), 60),  # docs L5157
    (3221, Qot_GetPriceReminder_pb2.C2S(market=1), 10),  # docs L5256
    (3213, Qot_GetUserSecurity_pb2.C2S(groupName="All"), 10),  # docs L5347
    (3222, Qot_GetUserSecurityGroup_pb2.C2S(groupType=3), 10),  # docs L5410
    (3214, Qot_ModifyUserSecurity_pb2.C2S(groupName="G", op=3, securityList=[{"market": 1, "code": "00001"}]), 10),  # docs L5464
])
def test_rate_limits(tmp_path, proto_id, c2s, limit):
    gw = start_gateway(tmp_path)
    try:
        with RawConnection(gw.port) as conn:
            conn.init_connect()
            replies = [conn.request(proto_id, c2s) for _ in range(limit + 1)]
    finally:
        gw.stop()
    assert [r.retType for r in replies[:limit] if "rate" in r.retMsg] == []
    assert replies[-1].retType == -1 and "request rate too high" in replies[-1].retMsg


def test_reminders_and_watchlists_survive_a_restart(tmp_path):
    market = SmallMarket()
    gw = start_gateway(tmp_path, market)
    try:
        ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gw.port)
        try:
            _, key = add(ctx, "US.AAPL", value=210.0, note="keep")
            ctx.set_price_reminder("US.AAPL", futu.SetPriceReminderOp.DISABLE, key=key)
            ctx.modify_user_security("Keep", futu.ModifyUserSecurityOp.ADD, ["US.MSFT", "HK.00003"])
        finally:
            ctx.close()
    finally:
        gw.stop()
    gw = start_gateway(tmp_path, market)
    try:
        ctx = futu.OpenQuoteContext(host="127.0.0.1", port=gw.port)
        try:
            ret, data = ctx.get_price_reminder(code="US.AAPL")
            assert ret == RET_OK and len(data) == 1
            row = data.iloc[0]
            assert (row["key"], row["value"], row["note"], row["enable"]) == (key, 210.0, "keep", False)
            assert list(ctx.get_user_security("Keep")[1]["code"]) == ["US.MSFT", "HK.00003"]
            # a new key never repeats one in use
            _, key2 = add(ctx, "US.AAPL", value=220.0)
            assert key2 > key
        finally:
            ctx.close()
    finally:
        gw.stop()
