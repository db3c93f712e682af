"""Message bodies: protobuf or JSON (docs L11548, L11604-L11611).

JSON bodies are protobuf's JSON mapping of the same messages. The official
client sends lowerCamel keys (``MessageToJson``) but reads responses by proto
field name, and a few newer protos have snake_case field names, so we accept
both spellings on input and write proto field names on output. 64-bit
integers are accepted as strings or numbers.
"""

from __future__ import annotations

from typing import TypeVar

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message

from .frame import ProtoFmt

M = TypeVar("M", bound=Message)


class BodyDecodeError(ValueError):
    """The body is not a valid encoding of the expected message."""


def encode_message(message: Message, proto_fmt: int = ProtoFmt.PROTOBUF) -> bytes:
    if proto_fmt == ProtoFmt.JSON:
        return json_format.MessageToJson(
            message, preserving_proto_field_name=True, use_integers_for_enums=True, indent=None
        ).encode("utf-8")
    if proto_fmt == ProtoFmt.PROTOBUF:
        # partial: a Response may legitimately leave a required s2c unset
        return message.SerializePartialToString()
    raise ValueError(f"unknown body format {proto_fmt}")


def decode_message(message_type: type[M], body: bytes, proto_fmt: int) -> M:
    message = message_type()
    if proto_fmt == ProtoFmt.JSON:
        try:
            json_format.Parse(body.decode("utf-8"), message, ignore_unknown_fields=True)
        except (json_format.ParseError, UnicodeDecodeError, RecursionError) as exc:
            raise BodyDecodeError(f"invalid JSON body for {message_type.__name__}: {exc}") from exc
        return message
    if proto_fmt == ProtoFmt.PROTOBUF:
        try:
            message.ParseFromString(body)
        except (DecodeError, RecursionError) as exc:
            raise BodyDecodeError(
                f"invalid protobuf body for {message_type.__name__}: {exc}"
            ) from exc
        return message
    raise BodyDecodeError(f"unknown body format {proto_fmt}")


def missing_required(message: Message) -> list[str]:
    """Names of required fields left unset (recursively)."""
    return list(message.FindInitializationErrors())
