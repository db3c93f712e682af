"""The openfutu SDK: the futu-api surface on one asyncio core.

``from openfutu.client import *`` gives the futu-api names (contexts, handler
bases, SysConfig, every constant and enum, RET_OK/RET_ERROR).
"""

import logging as _logging

from .constants import *  # noqa: F403
from .constants import __all__ as _constant_names
from .handlers import *  # noqa: F403
from .handlers import __all__ as _handler_names
from .quote import OpenQuoteContext
from .screening import (
    AccumulateFilter,
    CustomIndicatorFilter,
    FilterStockData,
    FinancialFilter,
    OptionDataFilter,
    PatternFilter,
    SimpleFilter,
    WarrantRequest,
)
from .sys_config import SysConfig
from .trade import OpenFutureTradeContext, OpenSecTradeContext

__all__ = [
    *_constant_names,
    *_handler_names,
    "OpenQuoteContext",
    "SimpleFilter",
    "AccumulateFilter",
    "FinancialFilter",
    "PatternFilter",
    "CustomIndicatorFilter",
    "FilterStockData",
    "OptionDataFilter",
    "WarrantRequest",
    "OpenSecTradeContext",
    "OpenFutureTradeContext",
    "SysConfig",
]

# quiet by default: records go to the application's handlers, never to a file,
# and nothing reaches stderr unless the application configures logging
_logging.getLogger("openfutu").addHandler(_logging.NullHandler())
