"""Frame header and the incremental decoder (docs L11524-L11560)."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openfutu.protocol.frame import (
    HEADER_SIZE,
    FrameDecoder,
    FrameError,
    FrameHeader,
    build_frame,
)

# KeepAlive request, protobuf, serial 7, time=1700000000 (spec §9.2 example)
KEEPALIVE_BODY = bytes.fromhex("0a060880e2cfaa06")
KEEPALIVE_FRAME = bytes.fromhex(
    "4654" "ec030000" "00" "00" "07000000" "08000000"
    "a574904e7c778af7b84d66bebdfda3c5553a5558" "0000000000000000"
) + KEEPALIVE_BODY


def test_header_is_44_bytes_little_endian():
    assert HEADER_SIZE == 44
    assert build_frame(1004, 7, KEEPALIVE_BODY) == KEEPALIVE_FRAME


def test_header_round_trip():
    header = FrameHeader.unpack(KEEPALIVE_FRAME)
    assert (header.proto_id, header.proto_fmt, header.serial_no, header.body_len) == (1004, 0, 7, 8)
    assert header.body_sha1 == hashlib.sha1(KEEPALIVE_BODY).digest()
    assert header.pack() == KEEPALIVE_FRAME[:HEADER_SIZE]


def test_bad_flag_is_a_frame_error():
    decoder = FrameDecoder()
    decoder.feed(b"XX" + KEEPALIVE_FRAME[2:])
    with pytest.raises(FrameError):
        list(decoder.frames())
    # the decoder stays broken: framing cannot be recovered
    decoder.feed(KEEPALIVE_FRAME)
    with pytest.raises(FrameError):
        list(decoder.frames())


def test_body_size_cap():
    decoder = FrameDecoder(max_body=4)
    decoder.feed(KEEPALIVE_FRAME)
    with pytest.raises(FrameError, match="exceeds"):
        list(decoder.frames())


def test_split_header_and_several_frames_per_chunk():
    stream = KEEPALIVE_FRAME * 3
    decoder = FrameDecoder()
    out = []
    for i in range(0, len(stream), 5):  # 5-byte chunks split the header too
        decoder.feed(stream[i : i + 5])
        out.extend(decoder.frames())
    assert [f.body for f in out] == [KEEPALIVE_BODY] * 3
    assert decoder.buffered == 0


def test_empty_body_frame():
    decoder = FrameDecoder()
    decoder.feed(build_frame(1004, 1, b""))
    (frame,) = list(decoder.frames())
    assert frame.body == b""


@given(
    bodies=st.lists(st.binary(max_size=300), min_size=1, max_size=8),
    cuts=st.lists(st.integers(min_value=1, max_value=97), max_size=40),
)
def test_any_chunking_yields_the_same_frames(bodies, cuts):
    stream = b"".join(build_frame(3000 + i, i, b) for i, b in enumerate(bodies))
    decoder = FrameDecoder()
    frames = []
    pos = 0
    for cut in cuts:
        decoder.feed(stream[pos : pos + cut])
        frames.extend(decoder.frames())
        pos += cut
    decoder.feed(stream[pos:])
    frames.extend(decoder.frames())
    assert [f.body for f in frames] == bodies
    assert [f.header.proto_id for f in frames] == [3000 + i for i in range(len(bodies))]


@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_frame_error(data):
    decoder = FrameDecoder(max_body=1 << 16)
    decoder.feed(data)
    try:
        for frame in decoder.frames():
            assert len(frame.body) == frame.header.body_len
    except FrameError:
        pass
