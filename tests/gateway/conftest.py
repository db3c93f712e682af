"""Fixtures for driving a gateway with the official futu-api client."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@pytest.fixture
def futu_sys_config():
    """The official SysConfig is process-global; restore it after a test."""
    from futu import SysConfig
    from futu.common.sys_config import SysConfig as RawSysConfig

    saved = (RawSysConfig.IS_PROTO_ENCRYPT, RawSysConfig.INIT_RSA_FILE, RawSysConfig.RSA_OBJ,
             RawSysConfig.PROTO_FMT)
    yield SysConfig
    (RawSysConfig.IS_PROTO_ENCRYPT, RawSysConfig.INIT_RSA_FILE, RawSysConfig.RSA_OBJ,
     RawSysConfig.PROTO_FMT) = saved


@pytest.fixture(scope="session")
def rsa_key_file(tmp_path_factory) -> str:
    """A 1024-bit PKCS#1 key shared by gateway and client (docs L11676)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    path = tmp_path_factory.mktemp("rsa") / "key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return str(path)
