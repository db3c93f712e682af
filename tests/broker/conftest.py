"""Fixtures of the broker tests (FakeMarket lives in broker_fakes.py)."""

from __future__ import annotations

import pytest
from broker_fakes import FakeMarket

from openfutu.broker.broker import Broker, BrokerConfig
from openfutu.broker.ledger import Ledger


@pytest.fixture
def market() -> FakeMarket:
    m = FakeMarket()
    m.set_book("HK.00700", [(359.8, 1000), (359.6, 2000)], [(360.0, 500), (360.2, 800), (360.4, 5000)])
    m.set_book("US.AAPL", [(199.99, 300)], [(200.01, 200), (200.02, 1000)])
    m.set_book("SH.600519", [(1499.99, 1000)], [(1500.0, 1000)])
    m.set_book("HK.HSImain", [(19999.0, 20)], [(20000.0, 20)])
    m.set_book("HK.02800", [(19.98, 100000)], [(20.0, 100000)])
    return m


@pytest.fixture
def broker(market: FakeMarket) -> Broker:
    return Broker(market, Ledger.open(":memory:"), BrokerConfig())


