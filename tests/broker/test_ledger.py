import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from broker_fakes import FakeMarket, acc

from openfutu.broker.broker import Broker
from openfutu.broker.enums import Currency, OrderStatus, SimAccType, TrdMarket, TrdSide
from openfutu.broker.ledger import SCHEMA_VERSION, Ledger, LedgerError
from openfutu.broker.model import PlaceOrderRequest

HERE = Path(__file__).parent


def setup_market() -> FakeMarket:
    m = FakeMarket()
    m.set_book("HK.00700", [(359.8, 1000)], [(360.0, 500), (360.2, 800)])
    m.set_book("US.AAPL", [(199.99, 300)], [(200.01, 200)])
    return m


def snapshot(b: Broker):
    out = {}
    for a in b.get_accounts():
        out[a.acc_id] = (
            a,
            [o for o in b.history_orders(a.acc_id)],
            b.history_deals(a.acc_id),
            b.positions(a.acc_id),
            b.funds(a.acc_id),
            b.cash_flows(a.acc_id),
        )
    return out


def test_restart_restores_state_exactly(tmp_path):
    m = setup_market()
    path = tmp_path / "broker.db"
    b = Broker(m, Ledger.open(path))
    a = acc(b, TrdMarket.HK, SimAccType.STOCK, cash=True)
    m_acc = acc(b, TrdMarket.US, SimAccType.STOCK, cash=False)
    b.place_order(PlaceOrderRequest(a, "HK.00700", TrdSide.BUY, 1000, 360.2))
    b.place_order(PlaceOrderRequest(a, "HK.00700", TrdSide.BUY, 100, 355.0, remark="rest"))
    b.place_order(PlaceOrderRequest(m_acc, "US.AAPL", TrdSide.SELL, 50, 199.99))
    b.on_market()
    m.trade("HK.00700", 359.0, 50)
    b.on_market(m.advance())
    before = snapshot(b)
    b.ledger.close()

    b2 = Broker(m, Ledger.open(path))
    assert snapshot(b2) == before
    # working order keeps trading after the restart with its queue state
    rest = [o for o in b2.orders(a) if o.remark == "rest"][0]
    assert rest.order_status == OrderStatus.FILLED_PART or rest.order_status == OrderStatus.SUBMITTED
    # IDs continue, never reused
    o = b2.place_order(PlaceOrderRequest(a, "HK.00700", TrdSide.BUY, 100, 350.0))
    assert int(o.order_id_ex) > max(int(x.order_id_ex) for x in before[a][1])


def test_wal_mode_and_version(tmp_path):
    path = tmp_path / "b.db"
    Broker(setup_market(), Ledger.open(path)).ledger.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    con.close()


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "b.db"
    Ledger.open(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(LedgerError, match="newer than this openfutu supports"):
        Ledger.open(path)


def test_foreign_and_corrupt_files(tmp_path):
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(LedgerError, match="not an openfutu broker ledger"):
        Ledger.open(foreign)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LedgerError):
        Ledger.open(junk)


CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {here!r})
    from broker_fakes import FakeMarket, acc
    from openfutu.broker.broker import Broker
    from openfutu.broker.enums import SimAccType, TrdMarket, TrdSide
    from openfutu.broker.ledger import Ledger
    from openfutu.broker.model import PlaceOrderRequest

    m = FakeMarket()
    m.set_book("HK.00700", [(359.8, 10**9)], [(360.0, 10**9)])
    b = Broker(m, Ledger.open({path!r}))
    a = acc(b, TrdMarket.HK, SimAccType.STOCK, cash=False)
    k = 0
    while True:
        side = TrdSide.BUY if k % 3 != 2 else TrdSide.SELL
        o = b.place_order(PlaceOrderRequest(a, "HK.00700", side, 100, 360.0 if side == TrdSide.BUY else 359.8))
        print("ACK", o.order_id_ex, flush=True)
        b.on_market(m.advance())
        print("STEP", flush=True)
        k += 1
    """
)


def test_crash_loses_no_acknowledged_order(tmp_path):
    path = str(tmp_path / "crash.db")
    proc = subprocess.Popen([sys.executable, "-c", CHILD.format(here=str(HERE), path=path)],
                            stdout=subprocess.PIPE, text=True, cwd=str(HERE.parent.parent))
    acked: list[str] = []
    try:
        for line in proc.stdout:
            if line.startswith("ACK"):
                acked.append(line.split()[1])
                if len(acked) == 40:
                    break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert len(acked) == 40
    m = FakeMarket()
    b = Broker(m, Ledger.open(path))
    a = acc(b, TrdMarket.HK, SimAccType.STOCK, cash=False)
    ids = {o.order_id_ex for o in b.history_orders(a)}
    assert set(acked) <= ids
    # cash and positions reconcile to the fills
    fills = b.history_deals(a)
    qty = sum(f.qty if f.trd_side == TrdSide.BUY else -f.qty for f in fills)
    cash = 1_000_000.0 + sum((-1 if f.trd_side == TrdSide.BUY else 1) * f.qty * f.price - f.fee for f in fills)
    assert b.cash_balances[(a, Currency.HKD)] == pytest.approx(cash, abs=1e-6)
    pos = b.position_record(a, "HK.00700")
    assert (pos.qty if pos else 0.0) == qty
    flows = b.cash_flows(a)
    assert sum(c.cashflow_amount for c in flows) == pytest.approx(cash, abs=0.01 * len(flows))
    # every order's filled quantity equals its fills
    for o in b.history_orders(a):
        assert o.dealt_qty == sum(f.qty for f in fills if f.order_id_ex == o.order_id_ex)
