"""Derivatives pricing for the simulated market: listed options, HK warrants
(call/put, CBBC, inline), futures, and the volatility surface used to quote
options.  Pure functions over plain numbers and numpy arrays.

Modules: ``options`` (BSM, BAW, greeks, implied volatility), ``chain``
(quotes in API units, chain pricing, option data filter, term adapters),
``warrants``, ``futures``, ``surface``.
"""

from openfutu.market.derivatives.chain import (
    OptionChainQuotes,
    OptionQuoteAnalytics,
    option_fields_from_terms,
    option_price_for_terms,
    option_quote_analytics,
    option_quote_analytics_for_terms,
    price_option_chain,
)
from openfutu.market.derivatives.futures import (
    ContractMonth,
    contract_nominal_value,
    daily_settlement_price,
    future_fields_from_terms,
    futures_basis,
    futures_fair_value,
    futures_fair_value_for_terms,
    futures_open_interest,
    implied_carry,
    index_final_settlement_price,
    main_contract,
    main_contract_by_open_interest,
    option_open_interest,
    position_change,
)
from openfutu.market.derivatives.options import (
    MAX_VOLATILITY,
    MIN_VOLATILITY,
    ExerciseStyle,
    ImpliedVolatilityError,
    OptionGreeks,
    OptionRight,
    american_price,
    european_price,
    exercise_style_for_underlying,
    expiry_date_distance,
    implied_volatility,
    implied_volatility_array,
    intrinsic_value,
    is_in_the_money,
    option_contract_nominal_value,
    option_greeks,
    option_owner_lot_multiplier,
    option_premium,
    option_price,
    price_bounds,
    try_implied_volatility,
    year_fraction,
)
from openfutu.market.derivatives.surface import VolatilitySurface
from openfutu.market.derivatives.warrants import (
    INLINE_PAYOUT_INSIDE,
    INLINE_PAYOUT_OUTSIDE,
    CbbcCategory,
    PriceStatus,
    WarrantAnalytics,
    WarrantKind,
    cbbc_category,
    cbbc_price_recovery_ratio,
    cbbc_residual_value,
    cbbc_value,
    first_knock_out,
    inline_price_status,
    inline_warrant_value,
    is_knocked_out,
    street_ratio,
    warrant_analytics,
    warrant_analytics_for_terms,
    warrant_break_even_point,
    warrant_conversion_price,
    warrant_delta,
    warrant_effective_leverage,
    warrant_fields_from_terms,
    warrant_implied_volatility,
    warrant_ipop,
    warrant_kind,
    warrant_leverage,
    warrant_premium,
    warrant_price_status,
    warrant_value,
    warrant_value_for_terms,
)

__all__ = [name for name in dir() if not name.startswith("_") and name not in {"chain", "futures", "normal", "options", "surface", "warrants"}]
