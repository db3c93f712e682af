"""The sans-I/O packet stream: both roles, plain and encrypted sessions."""

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from openfutu.protocol.crypto import AesCbc, FtAesEcb
from openfutu.protocol.frame import build_frame
from openfutu.protocol.stream import PacketStream, ProtocolViolation, Role

KEY, IV = b"0123456789abcdef", b"fedcba9876543210"


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def test_plain_round_trip_both_ways():
    client, server = PacketStream(Role.CLIENT), PacketStream(Role.SERVER)
    (packet,) = server.receive_data(client.encode(1001, 5, b"hello"))
    assert (packet.proto_id, packet.serial_no, packet.body) == (1001, 5, b"hello")
    (reply,) = client.receive_data(server.encode(1001, 5, b"world", proto_fmt=1))
    assert (reply.body, reply.proto_fmt) == (b"world", 1)


@pytest.mark.parametrize("cipher", [FtAesEcb(KEY), AesCbc(KEY, IV)], ids=["ftaes-ecb", "aes-cbc"])
def test_encrypted_session(rsa_key, cipher):
    client = PacketStream(Role.CLIENT, rsa_key)
    server = PacketStream(Role.SERVER, rsa_key)
    init = client.encode(1001, 1, b"init-request" * 20, rsa_encrypt_body=True)
    assert b"init-request" not in init
    (packet,) = server.receive_data(init)
    assert packet.body == b"init-request" * 20 and server.init_request_was_encrypted
    (reply,) = client.receive_data(server.encode(1001, 1, b"init-reply", rsa_encrypt_body=True))
    assert reply.body == b"init-reply"
    client.start_session_cipher(cipher)
    server.start_session_cipher(cipher)
    wire = client.encode(1004, 2, b"keepalive")
    assert b"keepalive" not in wire
    (packet,) = server.receive_data(wire)
    assert packet.body == b"keepalive"


def test_plain_init_to_rsa_server_is_accepted(rsa_key):
    server = PacketStream(Role.SERVER, rsa_key)
    (packet,) = server.receive_data(build_frame(1001, 1, b"plain"))
    assert packet.body == b"plain" and not server.init_request_was_encrypted


def test_sha1_mismatch_is_a_violation():
    frame = bytearray(build_frame(1004, 1, b"abc"))
    frame[-1] ^= 0xFF
    with pytest.raises(ProtocolViolation, match="SHA1"):
        PacketStream(Role.SERVER).receive_data(bytes(frame))


def test_wrong_aes_key_is_a_violation():
    client, server = PacketStream(Role.CLIENT), PacketStream(Role.SERVER)
    client.start_session_cipher(AesCbc(KEY, IV))
    server.start_session_cipher(AesCbc(b"fedcba9876543210", IV))
    with pytest.raises(ProtocolViolation):
        server.receive_data(client.encode(1004, 1, b"x" * 40))
