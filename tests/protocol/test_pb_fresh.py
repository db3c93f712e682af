"""The checked-in *_pb2.py modules are exactly what our .proto files compile to."""
from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PB_DIR = REPO_ROOT / "openfutu" / "protocol" / "pb"
SCRIPTS = REPO_ROOT / "scripts"


def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_openfutu_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("grpc_tools", reason="grpcio-tools (test dependency) compiles the .proto files")
    out = tmp_path_factory.mktemp("pb2")
    _load_script("gen_protos").generate(out)
    return out


def test_every_proto_has_a_module_and_back() -> None:
    protos = {p.stem for p in PB_DIR.glob("*.proto")}
    modules = {p.name.removesuffix("_pb2.py") for p in PB_DIR.glob("*_pb2.py")}
    assert protos, "no .proto files"
    assert sorted(protos - modules) == [], "a .proto without a _pb2.py: run scripts/gen_protos.py"
    assert sorted(modules - protos) == [], "a _pb2.py without a .proto: delete it or restore the .proto"


def _gencode_version(text: str) -> str:
    match = re.search(r"^# Protobuf Python Version: (\S+)$", text, re.MULTILINE)
    return match.group(1) if match else "?"


def _serialized_descriptor(text: str) -> bytes:
    match = re.search(r"AddSerializedFile\((b'(?:[^'\\]|\\.)*')\)", text)
    assert match, "no serialized descriptor in generated module"
    return ast.literal_eval(match.group(1))


def test_checked_in_descriptors_are_not_stale(regenerated: Path) -> None:
    """What goes on the wire: the descriptor each module registers equals a fresh compile."""
    fresh = {p.name: p.read_text(encoding="utf-8") for p in regenerated.glob("*_pb2.py")}
    checked_in = {p.name: p.read_text(encoding="utf-8") for p in PB_DIR.glob("*_pb2.py")}
    assert sorted(fresh) == sorted(checked_in)
    stale = sorted(n for n in fresh if _serialized_descriptor(fresh[n]) != _serialized_descriptor(checked_in[n]))
    assert stale == [], f"stale generated modules (run scripts/gen_protos.py): {stale}"


def test_checked_in_modules_are_byte_identical(regenerated: Path) -> None:
    fresh = {p.name: p.read_bytes() for p in regenerated.glob("*_pb2.py")}
    checked_in = {p.name: p.read_bytes() for p in PB_DIR.glob("*_pb2.py")}
    sample = next(iter(fresh))
    ours, theirs = _gencode_version(checked_in[sample].decode()), _gencode_version(fresh[sample].decode())
    if ours != theirs:
        pytest.skip(f"installed protoc emits gencode {theirs}, checked-in is {ours}: "
                    "only descriptors are compared (pin grpcio-tools to match)")
    stale = sorted(name for name, data in fresh.items() if checked_in.get(name) != data)
    assert stale == [], f"stale generated modules (run scripts/gen_protos.py): {stale}"


def test_generated_modules_import_each_other_by_package_path(regenerated: Path) -> None:
    for module in regenerated.glob("*_pb2.py"):
        text = module.read_text(encoding="utf-8")
        assert f"# source: openfutu/protocol/pb/{module.name.removesuffix('_pb2.py')}.proto" in text
        for line in text.splitlines():
            if line.startswith(("import ", "from ")) and "_pb2" in line:
                assert line.startswith("from openfutu.protocol.pb import "), (module.name, line)


def test_proto_files_are_what_the_descriptor_script_writes() -> None:
    """Hand edits would be lost on the next run of scripts/proto_from_descriptor.py."""
    pytest.importorskip("futu")
    script = _load_script("proto_from_descriptor")
    names = sorted(p.stem for p in PB_DIR.glob("*.proto"))
    assert names == sorted(spec.name for spec in script.PROTOCOL_FILES)
    differ = [n for n in names if (PB_DIR / f"{n}.proto").read_text(encoding="utf-8") != script.render(n)]
    assert differ == [], f"edit PROTOCOL_FILES/FIELD_NOTES and rerun the script instead: {differ}"


def test_generate_reports_protoc_failure(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    gen = _load_script("gen_protos")
    pb = tmp_path / "openfutu" / "protocol" / "pb"
    pb.mkdir(parents=True)
    (pb / "Broken.proto").write_text('syntax = "proto2";\nmessage X { required int32 a = 0; }\n')
    with pytest.raises(gen.ProtocError):
        gen.generate(tmp_path / "out", pb_dir=pb)
    assert not list((tmp_path / "out").glob("*_pb2.py"))


def test_field_notes_point_at_real_fields() -> None:
    """A mistyped note key would silently drop the comment; every key must name a field."""
    import importlib

    script = _load_script("proto_from_descriptor")
    names = [spec.name for spec in script.PROTOCOL_FILES]
    for (file, path, field) in script.FIELD_NOTES:
        targets = names if file == "*" else [file]
        found = False
        for name in targets:
            message = importlib.import_module(f"openfutu.protocol.pb.{name}_pb2").DESCRIPTOR
            for part in path.split("."):
                lookup = message.message_types_by_name if hasattr(message, "message_types_by_name") \
                    else message.nested_types_by_name
                message = lookup.get(part)
                if message is None:
                    break
            if message is not None and field in message.fields_by_name:
                found = True
                break
        assert found, (file, path, field)
