"""SysConfig: process-wide SDK settings (docs L11000-L11125)."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from openfutu.protocol.crypto import CryptoError, load_rsa_private_key

from .constants import CLIENT_VERSION, DEFULAT_CLIENT_ID, ProtoFMT
from .enums import RunMode

logger = logging.getLogger("openfutu")


class SysConfig:
    """Class-level settings read when a context connects (futu-api names)."""

    IS_PROTO_ENCRYPT: bool = False
    INIT_RSA_FILE: str = ""
    RSA_OBJ: rsa.RSAPrivateKey | None = None
    PROTO_FMT: int | None = None
    CLINET_ID: str | None = None  # futu-api's spelling
    CLIENT_VER: int | None = None
    ALL_THREAD_DAEMON: bool = False
    RUN_MODE: str = RunMode.DEFAULT

    @classmethod
    def set_client_info(cls, client_id: str, client_ver: int) -> None:
        """InitConnect clientID / clientVer (docs L11002-L11022)."""
        cls.CLINET_ID = client_id
        cls.CLIENT_VER = client_ver

    @classmethod
    def get_client_id(cls) -> str:
        return cls.CLINET_ID or DEFULAT_CLIENT_ID

    @classmethod
    def get_client_ver(cls) -> int:
        return cls.CLIENT_VER if cls.CLIENT_VER is not None else CLIENT_VERSION

    @classmethod
    def set_proto_fmt(cls, proto_fmt: int) -> None:
        """Body format of requests and pushes (docs L11024-L11045)."""
        if proto_fmt not in (ProtoFMT.Protobuf, ProtoFMT.Json) or isinstance(proto_fmt, bool):
            raise Exception("proto_fmt error")  # futu-api raises a bare Exception here
        cls.PROTO_FMT = int(proto_fmt)

    @classmethod
    def get_proto_fmt(cls) -> int:
        return cls.PROTO_FMT if cls.PROTO_FMT else ProtoFMT.Protobuf

    @classmethod
    def enable_proto_encrypt(cls, is_encrypt: bool) -> None:
        """Default encryption for contexts built with is_encrypt=None (docs L11047-L11068)."""
        cls.IS_PROTO_ENCRYPT = bool(is_encrypt)

    @classmethod
    def is_proto_encrypt(cls) -> bool:
        return cls.IS_PROTO_ENCRYPT

    @classmethod
    def set_init_rsa_file(cls, file: str | Path) -> None:
        """Path of the 1024-bit PKCS#1 private key (docs L11070-L11094). Read lazily."""
        cls.INIT_RSA_FILE = str(file)
        cls.RSA_OBJ = None

    @classmethod
    def get_init_rsa_obj(cls) -> rsa.RSAPrivateKey | None:
        """The configured key, or None when no file was set."""
        if cls.RSA_OBJ is None and cls.INIT_RSA_FILE:
            try:
                cls.RSA_OBJ = load_rsa_private_key(Path(cls.INIT_RSA_FILE).read_bytes())
            except (OSError, CryptoError) as exc:
                msg = f"Fatal error occurred in getting proto key, detail:{exc}"
                logger.error(msg)
                raise Exception(msg) from exc
        return cls.RSA_OBJ

    @classmethod
    def set_all_thread_daemon(cls, all_daemon: bool) -> None:
        """Make SDK threads daemons so the process may exit without close() (docs L11096-L11125)."""
        cls.ALL_THREAD_DAEMON = bool(all_daemon)

    @classmethod
    def get_all_thread_daemon(cls) -> bool:
        return cls.ALL_THREAD_DAEMON

    @classmethod
    def set_run_mode(cls, mode: str) -> None:
        cls.RUN_MODE = mode

    @classmethod
    def get_run_mode(cls) -> str:
        return cls.RUN_MODE

    @classmethod
    def enable_console_log(cls, enable: bool) -> None:
        """Show or hide SDK log records on the console (a StreamHandler on the
        ``openfutu`` logger); nothing is ever written to files unless asked."""
        for handler in list(logger.handlers):
            if getattr(handler, "_openfutu_console", False):
                logger.removeHandler(handler)
        if enable:
            handler = logging.StreamHandler()
            handler._openfutu_console = True  # type: ignore[attr-defined]
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            logger.addHandler(handler)
