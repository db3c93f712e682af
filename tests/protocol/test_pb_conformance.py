"""Our generated messages must be wire-identical to the official SDK's, file by file.

For each of our .proto files the official ``futu.common.pb.<Name>_pb2`` module is
loaded next to ours (different file paths and packages, one default pool) and
every message, nested type, field and enum is compared: anything that would
change bytes on the wire or JSON keys is a failure that names file and field.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor, FileDescriptor

import futu  # noqa: F401  (puts the official pb folder on sys.path; its modules import by bare name)

PB_DIR = Path(__file__).resolve().parents[2] / "openfutu" / "protocol" / "pb"
OUR_NAMES = sorted(p.stem for p in PB_DIR.glob("*.proto"))
OUR_PREFIX = "openfutu."


def ours(name: str) -> ModuleType:
    return importlib.import_module(f"openfutu.protocol.pb.{name}_pb2")


def official(name: str) -> ModuleType:
    return importlib.import_module(f"futu.common.pb.{name}_pb2")


def _strip(full_name: str) -> str:
    return full_name.removeprefix(OUR_PREFIX)


def _label(field: FieldDescriptor) -> str:
    if field.is_repeated:
        return "repeated"
    return "required" if field.is_required else "optional"


def _options(desc: object) -> bytes:
    return desc.GetOptions().SerializeToString(deterministic=True)  # type: ignore[attr-defined]


def _field_facts(field: FieldDescriptor) -> dict[str, object]:
    ref = field.message_type or field.enum_type
    oneof = field.containing_oneof
    return {
        "number": field.number,
        "type": field.type,
        "label": _label(field),
        "type_name": _strip(ref.full_name) if ref is not None else None,
        "has_default_value": field.has_default_value,
        "default_value": field.default_value if field.type != FieldDescriptor.TYPE_MESSAGE else None,
        "json_name": field.json_name,
        "containing_oneof": oneof.name if oneof is not None else None,
        "has_presence": field.has_presence,
        "is_packed": field.is_packed,
        "options": _options(field),
    }


def _names(items: Iterable[object]) -> list[str]:
    return sorted(item.name for item in items)  # type: ignore[attr-defined]


def compare_enum(where: str, mine: EnumDescriptor, theirs: EnumDescriptor) -> list[str]:
    problems: list[str] = []
    mine_values = [(v.name, v.number) for v in mine.values]
    their_values = [(v.name, v.number) for v in theirs.values]
    if mine_values != their_values:
        problems.append(f"{where}: enum values {mine_values} != official {their_values}")
    if _options(mine) != _options(theirs):
        problems.append(f"{where}: enum options {mine.GetOptions()} != official {theirs.GetOptions()}")
    for value in theirs.values:
        other = mine.values_by_name.get(value.name)
        if other is not None and _options(other) != _options(value):
            problems.append(f"{where}.{value.name}: value options differ")
    return problems


def compare_message(where: str, mine: Descriptor, theirs: Descriptor) -> list[str]:
    problems: list[str] = []
    if _options(mine) != _options(theirs):
        problems.append(f"{where}: message options differ")
    if _names(mine.oneofs) != _names(theirs.oneofs):
        problems.append(f"{where}: oneofs {_names(mine.oneofs)} != official {_names(theirs.oneofs)}")
    if _names(mine.fields) != _names(theirs.fields):
        missing = set(_names(theirs.fields)) - set(_names(mine.fields))
        extra = set(_names(mine.fields)) - set(_names(theirs.fields))
        problems.append(f"{where}: fields missing {sorted(missing)}, extra {sorted(extra)}")
    for field in theirs.fields:
        other = mine.fields_by_name.get(field.name)
        if other is None:
            continue
        mine_facts, their_facts = _field_facts(other), _field_facts(field)
        for key, their_value in their_facts.items():
            if mine_facts[key] != their_value:
                problems.append(f"{where}.{field.name}: {key} {mine_facts[key]!r} != official {their_value!r}")
    problems += compare_children(where, mine.nested_types_by_name, theirs.nested_types_by_name,
                                 mine.enum_types_by_name, theirs.enum_types_by_name)
    return problems


def compare_children(where: str, mine_msgs: dict, their_msgs: dict,
                     mine_enums: dict, their_enums: dict) -> list[str]:
    problems: list[str] = []
    for kind, mine_set, their_set in (("messages", mine_msgs, their_msgs), ("enums", mine_enums, their_enums)):
        missing = sorted(set(their_set) - set(mine_set))
        extra = sorted(set(mine_set) - set(their_set))
        if missing or extra:
            problems.append(f"{where}: {kind} missing {missing}, extra {extra}")
    for name, theirs in their_msgs.items():
        if name in mine_msgs:
            problems += compare_message(f"{where}.{name}", mine_msgs[name], theirs)
    for name, theirs in their_enums.items():
        if name in mine_enums:
            problems += compare_enum(f"{where}.{name}", mine_enums[name], theirs)
    return problems


def _syntax(file: FileDescriptor) -> str:
    proto = descriptor_pb2.FileDescriptorProto()
    file.CopyToProto(proto)
    return proto.syntax or "proto2"


def compare_file(mine: FileDescriptor, theirs: FileDescriptor) -> list[str]:
    where = Path(mine.name).stem
    problems: list[str] = []
    if mine.package != OUR_PREFIX + theirs.package:
        problems.append(f"{where}: package {mine.package!r} != {OUR_PREFIX + theirs.package!r}")
    if _syntax(mine) != _syntax(theirs):
        problems.append(f"{where}: syntax {_syntax(mine)!r} != official {_syntax(theirs)!r}")
    if mine.services_by_name or mine.extensions_by_name:
        problems.append(f"{where}: services/extensions are not expected")
    problems += compare_children(where, mine.message_types_by_name, theirs.message_types_by_name,
                                 mine.enum_types_by_name, theirs.enum_types_by_name)
    return problems


# --- the checks ---------------------------------------------------------------------


def test_we_define_files() -> None:
    assert len(OUR_NAMES) >= 70, OUR_NAMES


@pytest.mark.parametrize("name", OUR_NAMES)
def test_file_matches_official(name: str) -> None:
    mine, theirs = ours(name).DESCRIPTOR, official(name).DESCRIPTOR
    assert mine.name == f"openfutu/protocol/pb/{name}.proto"
    problems = compare_file(mine, theirs)
    assert not problems, f"{name}.proto drifted from the official SDK:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", OUR_NAMES)
def test_wire_bytes_match_official(name: str) -> None:
    """A fully populated message: same bytes, and our JSON parses back into the official type."""
    mine_mod, their_mod = ours(name), official(name)
    for msg_name in their_mod.DESCRIPTOR.message_types_by_name:
        sample = _populate(getattr(their_mod, msg_name)())
        data = sample.SerializeToString(deterministic=True)
        parsed = getattr(mine_mod, msg_name).FromString(data)
        assert parsed.SerializeToString(deterministic=True) == data, f"{name}.{msg_name}"
        # same JSON (JSON mode is part of the protocol): keys, enum names, values
        assert json_format.MessageToDict(parsed) == json_format.MessageToDict(sample), f"{name}.{msg_name}"
        back = getattr(their_mod, msg_name)()
        json_format.Parse(json_format.MessageToJson(parsed), back)
        assert back.SerializeToString(deterministic=True) == data, f"{name}.{msg_name} via JSON"


def _populate(message, depth: int = 0):
    """Set every field of ``message`` (recursively, bounded) to a distinctive value."""
    for field in message.DESCRIPTOR.fields:
        value = _sample_value(field, depth)
        if value is None:
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            target = getattr(message, field.name)
            if field.is_repeated:
                _populate(target.add(), depth + 1)
            else:
                _populate(target, depth + 1)
                target.SetInParent()
        elif field.is_repeated:
            getattr(message, field.name).append(value)
        else:
            setattr(message, field.name, value)
    return message


def _sample_value(field: FieldDescriptor, depth: int) -> object:
    t = field.type
    if t == FieldDescriptor.TYPE_MESSAGE:
        return True if depth < 10 else None  # deep enough for every required chain
    if t == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[-1].number
    if t in (FieldDescriptor.TYPE_STRING,):
        return f"s{field.number}"
    if t == FieldDescriptor.TYPE_BYTES:
        return bytes([field.number % 256])
    if t == FieldDescriptor.TYPE_BOOL:
        return True
    if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return field.number + 0.5
    if t in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT32,
             FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED32, FieldDescriptor.TYPE_SFIXED64):
        return -field.number
    return field.number  # unsigned and fixed types


def test_every_documented_protocol_has_a_file() -> None:
    from openfutu.protocol.pb.catalog import PROTOCOLS

    shared = {"Common", "Qot_Common", "Trd_Common"}
    assert shared | set(PROTOCOLS.values()) <= set(OUR_NAMES)


@pytest.mark.parametrize("name", OUR_NAMES)
def test_proto_text_carries_no_official_options_or_comments(name: str) -> None:
    text = (PB_DIR / f"{name}.proto").read_text(encoding="utf-8")
    assert "java_package" not in text and "go_package" not in text
    # the official files are commented in Chinese; ours are English only
    assert all(ord(ch) < 0x2E80 for ch in text), f"{name}.proto has CJK text"
    assert f"package openfutu.{official(name).DESCRIPTOR.package};" in text
    for dep in ours(name).DESCRIPTOR.dependencies:
        assert dep.name.startswith("openfutu/protocol/pb/"), dep.name


# --- the checker itself must catch drift ---------------------------------------------------


def _mutated_copy(name: str, mutate) -> FileDescriptor:
    """Our descriptor of ``name`` after ``mutate(FileDescriptorProto)``, built in a private pool."""
    pool = descriptor_pool.DescriptorPool()

    def add(file: FileDescriptor, edit=None) -> None:
        for dep in file.dependencies:
            add(dep)
        proto = descriptor_pb2.FileDescriptorProto()
        file.CopyToProto(proto)
        if edit is not None:
            edit(proto)
        try:
            pool.FindFileByName(proto.name)
        except KeyError:
            pool.Add(proto)

    add(ours(name).DESCRIPTOR, mutate)
    return pool.FindFileByName(ours(name).DESCRIPTOR.name)


def _field(proto: descriptor_pb2.FileDescriptorProto, message: str, field: str):
    msg = next(m for m in proto.message_type if m.name == message)
    return next(f for f in msg.field if f.name == field)


@pytest.mark.parametrize(
    ("name", "mutate", "expect"),
    [
        ("Qot_Common", lambda p: setattr(_field(p, "Security", "code"), "number", 7), "Security.code: number"),
        ("Qot_Common", lambda p: setattr(_field(p, "Security", "market"), "label",
                                         descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL),
         "Security.market: label"),
        ("Trd_Common", lambda p: setattr(_field(p, "Order", "price"), "type",
                                         descriptor_pb2.FieldDescriptorProto.TYPE_FLOAT), "Order.price: type"),
        ("KeepAlive", lambda p: setattr(_field(p, "Response", "retType"), "default_value", "-1"),
         "Response.retType: default_value"),
        ("KeepAlive", lambda p: setattr(_field(p, "C2S", "time"), "json_name", "Time"), "C2S.time: json_name"),
        ("Qot_Common", lambda p: next(e for e in p.enum_type if e.name == "QotMarketState").options.Clear(),
         "QotMarketState: enum options"),
        ("Qot_Common", lambda p: setattr(next(e for e in p.enum_type if e.name == "QotMarket").value[1], "number", 99),
         "QotMarket: enum values"),
        ("Qot_GetBasicQot", lambda p: p.message_type.add(name="Extra"), "messages missing [], extra ['Extra']"),
        ("Qot_GetBasicQot", lambda p: _field(p, "C2S", "securityList").__setattr__(
            "type_name", ".openfutu.Qot_Common.KLine"), "C2S.securityList: type_name"),
    ],
    ids=["number", "label", "type", "default", "json_name", "allow_alias", "enum_number", "extra_msg", "type_name"],
)
def test_checker_catches_drift(name: str, mutate, expect: str) -> None:
    problems = compare_file(_mutated_copy(name, mutate), official(name).DESCRIPTOR)
    assert any(expect in p for p in problems), problems
    # and the unmutated file is clean, so the finding is the mutation's
    assert compare_file(ours(name).DESCRIPTOR, official(name).DESCRIPTOR) == []
