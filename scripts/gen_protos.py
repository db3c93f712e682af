"""Regenerate openfutu's ``*_pb2.py`` modules from our ``.proto`` files.

Uses the protoc bundled with grpcio-tools, with the repository root as the only
include root, so ``import "openfutu/protocol/pb/Common.proto"`` becomes
``from openfutu.protocol.pb import Common_pb2`` in the generated code.

Usage:
    python scripts/gen_protos.py              # write next to the .proto files
    python scripts/gen_protos.py --out DIR    # write DIR/<Name>_pb2.py instead
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PB_DIR = REPO_ROOT / "openfutu" / "protocol" / "pb"


class ProtocError(RuntimeError):
    """protoc rejected our .proto files."""


def proto_files(pb_dir: Path = PB_DIR) -> list[Path]:
    return sorted(pb_dir.glob("*.proto"))


def generate(out_dir: Path, pb_dir: Path = PB_DIR) -> list[Path]:
    """Compile every .proto in ``pb_dir`` and write ``<Name>_pb2.py`` flat into ``out_dir``.

    Returns the written paths. Raises ProtocError if protoc fails.
    """
    from grpc_tools import protoc  # test/dev dependency only

    protos = proto_files(pb_dir)
    if not protos:
        raise ProtocError(f"no .proto files in {pb_dir}")
    root = pb_dir.parents[2]  # <root>/openfutu/protocol/pb
    rel = [p.relative_to(root).as_posix() for p in protos]
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="openfutu-protoc-") as scratch:
        args = ["protoc", f"-I{root}", f"--python_out={scratch}", *rel]
        status = protoc.main(args)
        if status != 0:
            raise ProtocError(f"protoc exited with {status} for {len(rel)} files")
        written = []
        generated_dir = Path(scratch) / pb_dir.relative_to(root)
        for proto in protos:
            module = generated_dir / f"{proto.stem}_pb2.py"
            target = out_dir / module.name
            shutil.copyfile(module, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="directory for the _pb2 modules (default: in place)")
    args = parser.parse_args(argv)
    in_place = args.out is None
    out_dir = PB_DIR if in_place else args.out
    try:
        written = generate(out_dir)
    except ProtocError as err:
        print(f"gen_protos: {err}", file=sys.stderr)
        return 1
    if in_place:
        # A _pb2 module whose .proto is gone would otherwise linger and import stale types.
        expected = {p.name for p in written}
        for orphan in sorted(PB_DIR.glob("*_pb2.py")):
            if orphan.name not in expected:
                orphan.unlink()
                print(f"removed orphan {orphan.name}", file=sys.stderr)
    print(f"generated {len(written)} modules in {out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
