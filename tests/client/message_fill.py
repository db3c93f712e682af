"""Fill a protobuf message with seeded pseudo-random values, for replies
that exercise every field (present and absent) of a parser."""

from __future__ import annotations

import random
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

MARKETS = [1, 2, 11, 21, 22, 31, 41]  # valid QotMarket numbers
TIMES = ["2026-01-05 09:30:00", "2026-01-06 10:00:00", "2026-01-07 16:00:00",
         "2026-02-02 00:00:00"]


def _is_repeated(field: FieldDescriptor) -> bool:
    return getattr(field, "is_repeated", None) if hasattr(field, "is_repeated") \
        else field.label == FieldDescriptor.LABEL_REPEATED


def _is_required(field: FieldDescriptor) -> bool:
    if hasattr(field, "is_required"):
        return field.is_required
    return field.label == FieldDescriptor.LABEL_REQUIRED


def _scalar(field: FieldDescriptor, rng: random.Random) -> Any:
    kind = field.type
    if field.name == "market" and kind != FieldDescriptor.TYPE_STRING:
        return rng.choice(MARKETS)
    if kind == FieldDescriptor.TYPE_BOOL:
        return rng.random() < 0.5
    if kind in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return round(rng.uniform(-50, 500), 3)
    if kind == FieldDescriptor.TYPE_STRING:
        if field.name == "code":
            return f"{rng.randrange(100000):05d}"
        return rng.choice(TIMES) if rng.random() < 0.7 else f"{field.name}-{rng.randrange(99)}"
    if kind == FieldDescriptor.TYPE_BYTES:
        return bytes([rng.randrange(256) for _ in range(4)])
    if kind in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT64,
                FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_FIXED64):
        return rng.randrange(0, 10_000_000)
    # int32: small, so enum-coded fields hit known and unknown values
    return rng.randrange(0, 9)


def fill(msg: Message, rng: random.Random, present: float = 0.7, depth: int = 0,
         max_repeat: int = 3) -> Message:
    for field in msg.DESCRIPTOR.fields:
        if _is_repeated(field):
            count = rng.randrange(0, max_repeat + 1) if depth < 4 else 0
            target = getattr(msg, field.name)
            for _ in range(count):
                if field.type == FieldDescriptor.TYPE_MESSAGE:
                    fill(target.add(), rng, present, depth + 1, max_repeat)
                else:
                    target.append(_scalar(field, rng))
            continue
        if not _is_required(field) and rng.random() > present:
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth < 5:
                fill(getattr(msg, field.name), rng, present, depth + 1, max_repeat)
            continue
        setattr(msg, field.name, _scalar(field, rng))
    return msg


def filled_response(module: Any, seed: int, present: float = 0.7, **kw: Any) -> Message:
    rsp = module.Response(retType=0)
    fill(rsp.s2c, random.Random(seed), present, **kw)
    return rsp
