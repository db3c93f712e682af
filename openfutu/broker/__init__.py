"""The simulated broker: a pure domain library (no protobuf, sockets or asyncio)."""

from openfutu.broker.broker import (
    AccountSpec,
    Broker,
    BrokerConfig,
    BrokerError,
    BrokerErrorCode,
    MarginTerms,
    default_account_specs,
)
from openfutu.broker.fees import FeeSchedule
from openfutu.broker.ledger import Ledger, LedgerError
from openfutu.broker.market_view import (
    BookLevel,
    BookView,
    InstrumentInfo,
    InstrumentKind,
    MarketTrade,
    MarketView,
    SessionPhase,
)
from openfutu.broker.matching import MatchingConfig, MatchingEngine
from openfutu.broker.model import (
    FillOccurred,
    ModifyOrderRequest,
    OrderFilter,
    OrderUpdated,
    PlaceOrderRequest,
)

__all__ = [
    "AccountSpec", "BookLevel", "BookView", "Broker", "BrokerConfig", "BrokerError", "BrokerErrorCode",
    "FeeSchedule", "FillOccurred", "InstrumentInfo", "InstrumentKind", "Ledger", "LedgerError", "MarginTerms",
    "MarketTrade", "MarketView", "MatchingConfig", "MatchingEngine", "ModifyOrderRequest", "OrderFilter",
    "OrderUpdated", "PlaceOrderRequest", "SessionPhase",
    "default_account_specs",
]
