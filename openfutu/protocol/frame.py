"""The 44-byte frame header of the Futu API protocol and an incremental
stream decoder (sans-I/O: bytes in, frames out).

Layout (docs L11524-L11560, all little-endian, packed):
``"FT" | protoID u32 | fmt u8 | ver u8 | serial u32 | bodyLen u32 |
SHA1(plain body) 20 | reserved 8``.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Iterator

HEADER_FLAG = b"FT"  # docs L11547
HEADER = struct.Struct("<2sIBBII20s8s")
HEADER_SIZE = HEADER.size  # 44
PROTO_VERSION = 0  # docs L11549: "currently 0"
RESERVED = b"\x00" * 8
# Largest body we accept. The protocol has no stated maximum; 64 MiB is far
# above any real response (a 1000-bar K-line page is ~100 KiB) and bounds the
# memory one bad header can make us reserve.
DEFAULT_MAX_BODY = 64 * 1024 * 1024


class ProtoFmt(IntEnum):
    """Body format byte (docs L11548)."""

    PROTOBUF = 0
    JSON = 1


class FrameError(ValueError):
    """The byte stream is not a valid frame sequence; the connection must be
    closed because framing cannot be recovered."""


@dataclass(frozen=True, slots=True)
class FrameHeader:
    proto_id: int
    proto_fmt: int
    serial_no: int
    body_len: int
    body_sha1: bytes
    proto_ver: int = PROTO_VERSION

    def pack(self) -> bytes:
        return HEADER.pack(
            HEADER_FLAG,
            self.proto_id,
            self.proto_fmt,
            self.proto_ver,
            self.serial_no,
            self.body_len,
            self.body_sha1,
            RESERVED,
        )

    @classmethod
    def unpack(cls, data: bytes | bytearray | memoryview) -> "FrameHeader":
        flag, proto_id, fmt, ver, serial, body_len, sha1, _reserved = HEADER.unpack(
            data[:HEADER_SIZE]
        )
        if flag != HEADER_FLAG:
            raise FrameError(f"bad header flag {bytes(flag)!r}, expected b'FT'")
        return cls(proto_id, fmt, serial, body_len, bytes(sha1), ver)


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame as it travels: header plus body as transmitted (possibly
    encrypted; ``header.body_sha1`` is over the plaintext)."""

    header: FrameHeader
    body: bytes


def sha1(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()


def build_frame(
    proto_id: int,
    serial_no: int,
    plain_body: bytes,
    wire_body: bytes | None = None,
    proto_fmt: int = ProtoFmt.PROTOBUF,
) -> bytes:
    """Header + body; ``wire_body`` is the encrypted form when there is one.
    The SHA1 is always over the plaintext (docs L11551)."""
    body = plain_body if wire_body is None else wire_body
    header = FrameHeader(proto_id, proto_fmt, serial_no, len(body), sha1(plain_body))
    return header.pack() + body


class FrameDecoder:
    """Incremental decoder: feed arbitrary chunks, iterate complete frames.

    A header with a bad flag or an oversized body raises FrameError; after
    that the decoder stays broken (the stream cannot be resynchronised).
    """

    def __init__(self, max_body: int = DEFAULT_MAX_BODY) -> None:
        self._buf = bytearray()
        self._max_body = max_body
        self._header: FrameHeader | None = None
        self._broken: FrameError | None = None

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> None:
        self._buf += data

    def frames(self) -> Iterator[Frame]:
        """Yield every complete frame buffered so far."""
        while True:
            frame = self.next_frame()
            if frame is None:
                return
            yield frame

    def next_frame(self) -> Frame | None:
        if self._broken is not None:
            raise self._broken
        if self._header is None:
            if len(self._buf) < HEADER_SIZE:
                return None
            try:
                header = FrameHeader.unpack(self._buf)
            except FrameError as exc:
                self._broken = exc
                raise
            if header.body_len > self._max_body:
                self._broken = FrameError(
                    f"body of {header.body_len} bytes exceeds the {self._max_body}-byte limit"
                )
                raise self._broken
            self._header = header
            del self._buf[:HEADER_SIZE]
        header = self._header
        if len(self._buf) < header.body_len:
            return None
        body = bytes(self._buf[: header.body_len])
        del self._buf[: header.body_len]
        self._header = None
        return Frame(header, body)
