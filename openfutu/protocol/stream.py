"""A sans-I/O packet stream for one TCP connection, either side.

Bytes in -> plaintext packets out; plaintext packets in -> bytes out. It owns
framing, the SHA1 check and body encryption; it knows nothing of message
types (see ``codec``) or of sockets (the gateway and the SDK drive it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cryptography.hazmat.primitives.asymmetric import rsa

from .crypto import BodyCipher, CryptoError, rsa_decrypt, rsa_encrypt
from .frame import DEFAULT_MAX_BODY, FrameDecoder, FrameError, ProtoFmt, build_frame, sha1

INIT_CONNECT = 1001


class Role(Enum):
    SERVER = "server"
    CLIENT = "client"


class ProtocolViolation(ValueError):
    """The peer broke the protocol: framing, integrity or decryption. The
    connection cannot continue and must be closed."""


@dataclass(frozen=True, slots=True)
class Packet:
    """A received or outgoing packet with its plaintext body."""

    proto_id: int
    serial_no: int
    proto_fmt: int
    body: bytes


class PacketStream:
    """One connection's packet layer.

    Encryption follows the docs (L11665-L11732): InitConnect bodies may be
    RSA-encrypted; once ``start_session_cipher`` is called every other body
    is AES-encrypted both ways.
    """

    def __init__(
        self,
        role: Role,
        rsa_key: rsa.RSAPrivateKey | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.role = role
        self._rsa_key = rsa_key
        self._decoder = FrameDecoder(max_body)
        self._cipher: BodyCipher | None = None
        # client side: whether our InitConnect request went out RSA-encrypted,
        # so its response must be RSA-decrypted too
        self.expect_rsa_init_reply = False
        # server side: whether the last InitConnect request arrived encrypted
        self.init_request_was_encrypted = False

    @property
    def encrypted(self) -> bool:
        return self._cipher is not None

    def start_session_cipher(self, cipher: BodyCipher | None) -> None:
        self._cipher = cipher

    # -- receiving -------------------------------------------------------
    def receive_data(self, data: bytes) -> list[Packet]:
        """Feed bytes; return the complete packets. Raises ProtocolViolation."""
        self._decoder.feed(data)
        packets: list[Packet] = []
        try:
            for frame in self._decoder.frames():
                header = frame.header
                body = self._decrypt(header.proto_id, header.body_sha1, frame.body)
                if sha1(body) != header.body_sha1:
                    raise ProtocolViolation(
                        f"SHA1 mismatch on proto {header.proto_id} serial {header.serial_no}"
                    )
                packets.append(Packet(header.proto_id, header.serial_no, header.proto_fmt, body))
        except FrameError as exc:
            raise ProtocolViolation(str(exc)) from exc
        except CryptoError as exc:
            raise ProtocolViolation(f"cannot decrypt body: {exc}") from exc
        return packets

    def _decrypt(self, proto_id: int, expected_sha1: bytes, body: bytes) -> bytes:
        if proto_id == INIT_CONNECT:
            if self.role is Role.SERVER:
                return self._decrypt_init_request(expected_sha1, body)
            if self.expect_rsa_init_reply:
                return rsa_decrypt(self._require_rsa(), body)
            return body
        if self._cipher is not None:
            return self._cipher.decrypt(body)
        return body

    def _decrypt_init_request(self, expected_sha1: bytes, body: bytes) -> bytes:
        # A client with no RSA key sends plaintext even to an RSA-configured
        # gateway; its SHA1 already matches, so it is taken as plaintext.
        self.init_request_was_encrypted = False
        if self._rsa_key is None or sha1(body) == expected_sha1:
            return body
        plain = rsa_decrypt(self._rsa_key, body)
        self.init_request_was_encrypted = True
        return plain

    def _require_rsa(self) -> rsa.RSAPrivateKey:
        if self._rsa_key is None:
            raise CryptoError("no RSA key configured")
        return self._rsa_key

    # -- sending ---------------------------------------------------------
    def encode(
        self,
        proto_id: int,
        serial_no: int,
        body: bytes,
        proto_fmt: int = ProtoFmt.PROTOBUF,
        rsa_encrypt_body: bool = False,
    ) -> bytes:
        """Frame a plaintext body, encrypting it as the session requires.

        ``rsa_encrypt_body`` applies to InitConnect only (request on the
        client, response on the server)."""
        wire: bytes | None = None
        if proto_id == INIT_CONNECT:
            if rsa_encrypt_body:
                wire = rsa_encrypt(self._require_rsa().public_key(), body)
                if self.role is Role.CLIENT:
                    self.expect_rsa_init_reply = True
            elif self.role is Role.CLIENT:
                self.expect_rsa_init_reply = False
        elif self._cipher is not None:
            wire = self._cipher.encrypt(body)
        return build_frame(proto_id, serial_no, body, wire, proto_fmt)
