"""The proto-ID catalog: every ID imports, has the right messages, and agrees with the SDK."""
from __future__ import annotations

import pytest

from openfutu.protocol.pb import catalog
from openfutu.protocol.pb.catalog import PROTOCOLS, PUSH_IDS, UnknownProtocol


@pytest.mark.parametrize("proto_id", sorted(PROTOCOLS), ids=lambda i: f"{i}-{PROTOCOLS[i]}")
def test_every_id_imports_with_request_and_response(proto_id: int) -> None:
    mod = catalog.module(proto_id)
    assert mod.__name__ == f"openfutu.protocol.pb.{PROTOCOLS[proto_id]}_pb2"
    assert mod.DESCRIPTOR.package == f"openfutu.{PROTOCOLS[proto_id]}"
    assert "Response" in mod.DESCRIPTOR.message_types_by_name
    has_request = "Request" in mod.DESCRIPTOR.message_types_by_name
    # pushes are server-initiated: no Request; everything else must have one
    assert has_request == (proto_id not in PUSH_IDS)
    # every Response carries the common result envelope
    ret_type = mod.Response.DESCRIPTOR.fields_by_name["retType"]
    assert (ret_type.number, ret_type.default_value) == (1, -400)


def test_push_ids_are_all_defined() -> None:
    assert PUSH_IDS <= set(PROTOCOLS)
    for required in (1003, 2208, 2218, 3005, 3007, 3009, 3011, 3013, 3015, 3019):
        assert required in PUSH_IDS
        assert catalog.is_push(required)
    assert not catalog.is_push(3004)


def test_ids_and_pushes_agree_with_official_sdk() -> None:
    futu = pytest.importorskip("futu")
    proto_id = futu.common.constant.ProtoId
    for pid, name in PROTOCOLS.items():
        assert getattr(proto_id, name) == pid, name
    # every push the SDK knows and we define is marked as a push, and nothing else
    official_pushes = set(proto_id.All_PushId)
    assert PUSH_IDS == official_pushes & set(PROTOCOLS)


@pytest.mark.parametrize("bad", [0, 9999, 3016, -1, "3004", None])
def test_unknown_id_raises_clear_lookup_error(bad: object) -> None:
    with pytest.raises(UnknownProtocol) as info:
        catalog.module(bad)  # type: ignore[arg-type]
    assert isinstance(info.value, LookupError)
    assert repr(bad) in str(info.value)


def test_name_lookup() -> None:
    assert catalog.name(3004) == "Qot_GetBasicQot"
    assert catalog.name(2202) == "Trd_PlaceOrder"
    assert catalog.name(1001) == "InitConnect"


def test_every_defined_file_with_an_official_id_is_catalogued() -> None:
    """A new .proto for a real protocol cannot be forgotten in the catalog."""
    from pathlib import Path

    futu = pytest.importorskip("futu")
    proto_id = futu.common.constant.ProtoId
    pb_dir = Path(catalog.__file__).parent
    for proto in sorted(pb_dir.glob("*.proto")):
        official_id = getattr(proto_id, proto.stem, None)
        if isinstance(official_id, int):
            assert PROTOCOLS.get(official_id) == proto.stem, proto.name
        else:
            assert proto.stem not in PROTOCOLS.values(), proto.name
