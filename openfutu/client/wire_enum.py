"""Base of the futu-api string enumerations.

Each constant is a plain ``str`` attribute (``Market.HK == "HK"``) so user
code can compare and print it; the class carries ``_WIRE``, the string ->
protocol integer table, and the conversion class methods futu-api offers.
"""

from __future__ import annotations

from typing import ClassVar


class WireEnum:
    _WIRE: ClassVar[dict[str, int]] = {}
    _NAMES: ClassVar[dict[int, str]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # when two strings share a wire value the later one names it, as in futu-api
        cls._NAMES = {number: text for text, number in cls._WIRE.items()}

    @classmethod
    def if_has_key(cls, str_value: object) -> bool:
        return isinstance(str_value, str) and str_value in cls._WIRE

    @classmethod
    def get_all_keys(cls) -> str:
        return ",".join(cls._WIRE)

    @classmethod
    def get_all_key_list(cls) -> list[str]:
        return list(cls._WIRE)

    @classmethod
    def to_number(cls, str_value: object) -> tuple[bool, int | str]:
        if not isinstance(str_value, str):
            return False, f"{cls.__name__} input parameter must str!"
        if str_value in cls._WIRE:
            return True, cls._WIRE[str_value]
        return False, f"{cls.__name__} input parameter is incorrect!"

    @classmethod
    def to_string(cls, number_value: object) -> tuple[bool, str]:
        if not isinstance(number_value, int):
            return False, f"{cls.__name__} input parameter must int!"
        if number_value in cls._NAMES:
            return True, cls._NAMES[number_value]
        return False, f"{number_value} cannot be converted to SortField Type!"

    @classmethod
    def to_string2(cls, number_value: object) -> str:
        """Wire integer -> string, 'N/A' when unknown (how parsers use it)."""
        if isinstance(number_value, int):
            return cls._NAMES.get(number_value, "N/A")
        return "N/A"

    # openfutu additions (not in futu-api): strict lookups for our own code
    @classmethod
    def wire(cls, str_value: str) -> int:
        return cls._WIRE[str_value]

    @classmethod
    def name_of(cls, number_value: int, default: str = "N/A") -> str:
        return cls._NAMES.get(number_value, default)
