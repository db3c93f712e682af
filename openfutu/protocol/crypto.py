"""Body encryption of the Futu API protocol.

* InitConnect bodies: RSA with PKCS#1 v1.5, plaintext cut into 100-byte
  chunks, ciphertext read in 128-byte blocks (docs L11686-L11697; the docs'
  "122 bytes" arithmetic is wrong, 100 is what clients send).
* Every other body: AES-128 with the per-connection key from InitConnect,
  either Futu's ECB variant (zero padding plus a 16-byte clear trailer whose
  last byte is ``len % 16``, docs L11699-L11732) or standard CBC with PKCS#7
  and the ``aesCBCiv`` IV reset for every packet.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Protocol

from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

RSA_PLAIN_CHUNK = 100  # docs L11692
RSA_CIPHER_BLOCK = 128  # docs L11696: 1024-bit key
AES_BLOCK = 16


class PacketEncAlgo(IntEnum):
    """Common.PacketEncAlgo."""

    FTAES_ECB = 0
    NONE = -1
    AES_ECB = 1
    AES_CBC = 2


class CryptoError(ValueError):
    """A body could not be decrypted (wrong key, truncated, bad padding)."""


def load_rsa_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    """Load an unencrypted PEM private key (PKCS#1 or PKCS#8)."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise CryptoError(f"not an unencrypted PEM RSA private key: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CryptoError("the PEM key is not an RSA key")
    return key


def rsa_encrypt(public_key: rsa.RSAPublicKey, plain: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(plain), RSA_PLAIN_CHUNK):
        out += public_key.encrypt(plain[start : start + RSA_PLAIN_CHUNK], asym_padding.PKCS1v15())
    return bytes(out)


def rsa_decrypt(private_key: rsa.RSAPrivateKey, cipher: bytes) -> bytes:
    block = private_key.key_size // 8
    if not cipher or len(cipher) % block:
        raise CryptoError(f"RSA body of {len(cipher)} bytes is not a multiple of {block}")
    out = bytearray()
    try:
        for start in range(0, len(cipher), block):
            out += private_key.decrypt(cipher[start : start + block], asym_padding.PKCS1v15())
    except ValueError as exc:
        raise CryptoError("RSA decryption failed") from exc
    return bytes(out)


class BodyCipher(Protocol):
    def encrypt(self, plain: bytes) -> bytes: ...
    def decrypt(self, body: bytes) -> bytes: ...


class FtAesEcb:
    """Futu's ECB variant: zero-pad, encrypt, append a clear 16-byte trailer
    ending in ``len(plain) % 16``."""

    def __init__(self, key: bytes) -> None:
        self._cipher = Cipher(algorithms.AES(key), modes.ECB())

    def encrypt(self, plain: bytes) -> bytes:
        mod_len = len(plain) % AES_BLOCK
        padded = plain + b"\x00" * ((AES_BLOCK - mod_len) % AES_BLOCK)
        enc = self._cipher.encryptor()
        return enc.update(padded) + enc.finalize() + b"\x00" * 15 + bytes([mod_len])

    def decrypt(self, body: bytes) -> bytes:
        if len(body) < AES_BLOCK or len(body) % AES_BLOCK:
            raise CryptoError(f"FTAES-ECB body of {len(body)} bytes is malformed")
        mod_len = body[-1]
        if mod_len >= AES_BLOCK:
            raise CryptoError(f"FTAES-ECB trailer length {mod_len} is out of range")
        dec = self._cipher.decryptor()
        plain = dec.update(body[:-AES_BLOCK]) + dec.finalize()
        if mod_len:
            if not plain:
                raise CryptoError("FTAES-ECB trailer claims data but there is none")
            plain = plain[: len(plain) - (AES_BLOCK - mod_len)]
        return plain


class _Pkcs7BlockCipher:
    """AES with PKCS#7 padding in a standard mode; a fresh cipher object per
    packet, so CBC restarts from the same IV every time."""

    _name = "AES"

    def __init__(self, key: bytes, mode_factory) -> None:
        self._key = key
        self._mode_factory = mode_factory

    def encrypt(self, plain: bytes) -> bytes:
        padder = sym_padding.PKCS7(128).padder()
        padded = padder.update(plain) + padder.finalize()
        enc = Cipher(algorithms.AES(self._key), self._mode_factory()).encryptor()
        return enc.update(padded) + enc.finalize()

    def decrypt(self, body: bytes) -> bytes:
        if not body or len(body) % AES_BLOCK:
            raise CryptoError(f"{self._name} body of {len(body)} bytes is malformed")
        dec = Cipher(algorithms.AES(self._key), self._mode_factory()).decryptor()
        padded = dec.update(body) + dec.finalize()
        unpadder = sym_padding.PKCS7(128).unpadder()
        try:
            return unpadder.update(padded) + unpadder.finalize()
        except ValueError as exc:
            raise CryptoError(f"{self._name} padding is invalid") from exc


class AesCbc(_Pkcs7BlockCipher):
    """Standard AES-CBC with PKCS#7; the IV is the same for every packet."""

    _name = "AES-CBC"

    def __init__(self, key: bytes, iv: bytes) -> None:
        super().__init__(key, lambda: modes.CBC(iv))


class AesEcbPkcs7(_Pkcs7BlockCipher):
    """Standard ECB (PacketEncAlgo.AES_ECB = 1). The docs do not state its
    padding; PKCS#7 is the standard one, so that is what we use."""

    _name = "AES-ECB"

    def __init__(self, key: bytes) -> None:
        super().__init__(key, modes.ECB)


def body_cipher(algo: PacketEncAlgo, key: bytes, iv: bytes | None = None) -> BodyCipher:
    if algo == PacketEncAlgo.FTAES_ECB:
        return FtAesEcb(key)
    if algo == PacketEncAlgo.AES_CBC:
        if iv is None:
            raise ValueError("AES-CBC needs an IV")
        return AesCbc(key, iv)
    if algo == PacketEncAlgo.AES_ECB:
        return AesEcbPkcs7(key)
    raise ValueError(f"no cipher for {algo!r}")
