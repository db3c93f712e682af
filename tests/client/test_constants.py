"""Our constants against the official futu-api package (facts must agree)."""

from __future__ import annotations

import enum
import inspect

import futu
import futu.common.constant as official
import pytest

import openfutu.client.constants as ours
from openfutu.client import enums
from openfutu.client.sys_config import SysConfig


def official_enum_classes() -> list[tuple[str, type]]:
    return [
        (name, cls)
        for name, cls in vars(official).items()
        if inspect.isclass(cls) and issubclass(cls, official.FtEnum) and cls is not official.FtEnum
    ]


@pytest.mark.parametrize("name,cls", official_enum_classes())
def test_every_string_enum_matches(name: str, cls: type) -> None:
    mine = getattr(ours, name)
    theirs_attrs = {
        k: v for k, v in vars(cls).items()
        if not k.startswith("_") and not callable(v) and not isinstance(v, (classmethod, staticmethod))
    }
    for attr, value in theirs_attrs.items():
        assert getattr(mine, attr) == value, (name, attr)
    assert mine._WIRE == {k: int(v) for k, v in cls().str_dic.items()}
    for text in mine._WIRE:
        assert mine.to_number(text) == cls.to_number(text)
    for number in list(cls().number_dic) + [987654]:
        assert mine.to_string(number) == cls.to_string(number)
        assert mine.to_string2(number) == cls.to_string2(number)
    assert mine.to_number(5) == cls.to_number(5)
    assert mine.to_number("nope") == cls.to_number("nope")
    assert mine.get_all_keys() == cls.get_all_keys()


def test_screen_int_enums_match() -> None:
    import futu.quote.stock_screen_const as screen

    for name, cls in vars(screen).items():
        if inspect.isclass(cls) and issubclass(cls, enum.IntEnum) and cls.__module__ == screen.__name__:
            if name == "WarrantStatus":
                continue
            mine = getattr(enums, name)
            assert [(m.name, int(m)) for m in mine] == [(m.name, int(m)) for m in cls], name


def test_scalar_constants_and_tables() -> None:
    for name in ("RET_OK", "RET_ERROR", "ERROR_STR_PREFIX", "DEFULAT_CLIENT_ID", "CLIENT_VERSION",
                 "API_PROTO_VER", "KLINE_SUBTYPE_LIST", "MKT_ENV_ENABLE_MAP",
                 "QOT_MARKET_TO_TRD_SEC_MARKET_MAP", "MESSAGE_HEAD_FMT"):
        assert getattr(ours, name) == getattr(official, name), name
    assert ours.RET_OK == 0 and ours.RET_ERROR == -1
    for attr, value in vars(official.ProtoId).items():
        if not attr.startswith("_") and isinstance(value, int):
            assert getattr(ours.ProtoId, attr) == value
    for attr in ("ALL_REAL", "FIELD_FLAG_VAL_MAP", "DICT_KL_FIELD_STR"):
        assert getattr(ours.KL_FIELD, attr) == getattr(official.KL_FIELD, attr)
    assert ours.KL_FIELD.kl_fields_to_flag_val([ours.KL_FIELD.ALL]) == official.KL_FIELD.kl_fields_to_flag_val([""])
    assert ours.KL_FIELD.get_field_list("2,3,99") == official.KL_FIELD.get_field_list("2,3,99")


def test_every_official_enum_name_is_exported() -> None:
    names = {n for n, _ in official_enum_classes()}
    assert names <= set(ours.__all__)
    futu_names = {n for n in dir(futu) if inspect.isclass(getattr(futu, n)) and issubclass(getattr(futu, n), official.FtEnum)}
    assert futu_names <= set(ours.__all__)


def test_sys_config_validation_and_defaults(tmp_path) -> None:
    saved = dict(vars(SysConfig))
    try:
        with pytest.raises(Exception, match="proto_fmt error"):
            SysConfig.set_proto_fmt(7)
        SysConfig.set_proto_fmt(ours.ProtoFMT.Json)
        assert SysConfig.get_proto_fmt() == 1
        assert SysConfig.get_client_id() == "PyNormal" and SysConfig.get_client_ver() == 300
        SysConfig.set_client_info("MyAPI", 0)
        assert (SysConfig.get_client_id(), SysConfig.get_client_ver()) == ("MyAPI", 0)
        assert SysConfig.get_init_rsa_obj() is None
        bad = tmp_path / "key.txt"
        bad.write_text("not a key")
        SysConfig.set_init_rsa_file(bad)
        with pytest.raises(Exception, match="getting proto key"):
            SysConfig.get_init_rsa_obj()
    finally:
        for key in ("PROTO_FMT", "CLINET_ID", "CLIENT_VER", "INIT_RSA_FILE", "RSA_OBJ"):
            setattr(SysConfig, key, saved[key])
