"""`from openfutu import *` gives the futu-api names a strategy uses."""


def test_star_import_exposes_the_futu_api_surface():
    namespace: dict = {}
    exec("from openfutu import *", namespace)
    for name in ("OpenQuoteContext", "OpenSecTradeContext", "OpenFutureTradeContext",
                 "SysConfig", "RET_OK", "RET_ERROR", "SubType", "KLType", "TrdEnv",
                 "StockQuoteHandlerBase", "SysNotifyHandlerBase"):
        assert name in namespace, name
