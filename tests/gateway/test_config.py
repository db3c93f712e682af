"""Gateway configuration: FutuOpenD.xml as-is, OpenD-style flags, openfutu keys."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from openfutu.broker.enums import Currency
from openfutu.gateway.config import (
    OPENFUTU_SETTINGS,
    SETTINGS,
    ConfigError,
    GatewayConfig,
    config_help,
    load_config,
)
from openfutu.protocol.frame import ProtoFmt

EXAMPLE_XML = Path(__file__).resolve().parents[2] / "examples" / "FutuOpenD.xml"


# ------------------------------------------------------------------ helpers

def write_pem_key(path: Path, bits: int = 1024, pkcs8: bool = False, password: bytes | None = None) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    fmt = serialization.PrivateFormat.PKCS8 if pkcs8 else serialization.PrivateFormat.TraditionalOpenSSL
    enc = (serialization.BestAvailableEncryption(password) if password
           else serialization.NoEncryption())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt, enc))
    return str(path)


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def rsa1024(key_dir) -> str:
    return write_pem_key(key_dir / "rsa1024.pem")


@pytest.fixture(scope="module")
def tls_pair(key_dir) -> tuple[str, str]:
    """A self-signed certificate and its key, as for the WebSocket service."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "openfutu test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    key_path, cert_path = key_dir / "ws.key", key_dir / "ws.cer"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def xml_file(tmp_path: Path, body: str, root: str = "futu_opend", name: str = "FutuOpenD.xml") -> Path:
    path = tmp_path / name
    path.write_text(f"<{root}>\n{body}\n</{root}>\n", encoding="utf-8")
    return path


def from_xml(tmp_path: Path, elements: dict[str, str], *flags: str) -> GatewayConfig:
    body = "\n".join(f"<{k}>{v}</{k}>" for k, v in elements.items())
    return load_config([f"-cfg_file={xml_file(tmp_path, body)}", *flags])


# ------------------------------------------------------------------ defaults

def test_defaults_without_a_file():
    config = load_config([])
    assert config == GatewayConfig()
    assert config.ip == "127.0.0.1"  # docs L1054
    assert config.api_port == 11111  # docs L1059
    assert config.lang == "chs"
    assert config.log_level == "info"  # docs L1134
    assert config.push_proto_type == ProtoFmt.PROTOBUF
    assert config.qot_push_frequency is None  # unthrottled, docs L1075
    assert config.telnet_ip == "127.0.0.1" and config.telnet_port is None and not config.telnet_enabled
    assert config.rsa_private_key is None and config.rsa_key is None
    assert config.future_trade_api_time_zone == "UTC+8"  # docs L12741
    assert config.future_trade_tz.utcoffset(None) == dt.timedelta(hours=8)
    assert config.websocket_ip == "127.0.0.1" and not config.websocket_enabled
    assert config.price_reminder_push and config.auto_hold_quote_right
    assert config.pdt_protection and config.dtcall_confirmation
    assert config.console and not config.no_monitor and not config.help
    assert config.cfg_file is None and config.extra == {}
    assert config.openfutu_data_dir == "./openfutu-data"
    assert config.openfutu_seed == 1
    assert config.openfutu_clock == "real" and config.openfutu_clock_start is None
    assert config.openfutu_clock_speed == 1.0
    assert config.openfutu_sub_quota == 1000 and config.openfutu_history_kl_quota == 1000
    assert config.openfutu_keepalive_interval == 10
    assert config.openfutu_max_connections == 128  # docs L11836
    assert config.openfutu_serve_real_env is False
    assert config.openfutu_initial_cash[Currency.HKD] == 1_000_000
    assert config.openfutu_universe_file is None
    assert config.login_account is None and config.effective_login_pwd_md5 is None
    assert config.listen_is_loopback and config.trading_allowed
    assert config.effective_push_format is ProtoFmt.PROTOBUF


def test_config_is_frozen_and_hashable():
    config = load_config([])
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.api_port = 1  # type: ignore[misc]
    assert hash(config) == hash(load_config([]))


def test_default_initial_cash_is_not_shared_between_configs():
    a, b = load_config([]), load_config(["-openfutu_initial_cash="])
    a.openfutu_initial_cash[Currency.HKD] = 1.0
    assert b.openfutu_initial_cash[Currency.HKD] == 1_000_000
    assert GatewayConfig().openfutu_initial_cash[Currency.HKD] == 1_000_000


def test_settings_table_covers_every_spec_key():
    spec_keys = {
        "ip", "api_port", "login_account", "login_pwd", "login_pwd_md5", "lang", "log_level",
        "push_proto_type", "qot_push_frequency", "telnet_ip", "telnet_port", "rsa_private_key",
        "price_reminder_push", "auto_hold_quote_right", "future_trade_api_time_zone", "websocket_ip",
        "websocket_port", "websocket_key_md5", "websocket_private_key", "websocket_cert",
        "pdt_protection", "dtcall_confirmation",
        "cfg_file", "console", "no_monitor", "login_region", "login_cert_file", "help",
    }
    assert spec_keys <= set(SETTINGS)
    assert set(OPENFUTU_SETTINGS) >= {
        "openfutu_data_dir", "openfutu_seed", "openfutu_clock", "openfutu_clock_start",
        "openfutu_clock_speed", "openfutu_sub_quota", "openfutu_history_kl_quota",
        "openfutu_keepalive_interval", "openfutu_max_connections", "openfutu_serve_real_env",
        "openfutu_initial_cash", "openfutu_universe_file",
    }
    fields = {f.name for f in dataclasses.fields(GatewayConfig)}
    assert set(SETTINGS) <= fields


# ------------------------------------------------------------------ every key, both sources

# key -> (text, expected attribute value); files are filled in by the test
GOOD_VALUES: dict[str, tuple[str, object]] = {
    "ip": ("0.0.0.0", "0.0.0.0"),
    "api_port": ("11112", 11112),
    "login_account": ("100001", "100001"),
    "login_pwd": ("s3cret", "s3cret"),
    "login_pwd_md5": ("E10ADC3949BA59ABBE56E057F20F883E", "e10adc3949ba59abbe56e057f20f883e"),
    "lang": ("en", "en"),
    "log_level": ("debug", "debug"),
    "push_proto_type": ("1", ProtoFmt.JSON),
    "qot_push_frequency": ("1000", 1000),
    "telnet_ip": ("0.0.0.0", "0.0.0.0"),
    "telnet_port": ("22222", 22222),
    "price_reminder_push": ("0", False),
    "auto_hold_quote_right": ("0", False),
    "future_trade_api_time_zone": ("UTC-5", "UTC-5"),
    "websocket_ip": ("::1", "::1"),
    "websocket_port": ("33333", 33333),
    "websocket_key_md5": ("0123456789abcdef0123456789ABCDEF", "0123456789abcdef0123456789abcdef"),
    "pdt_protection": ("0", False),
    "dtcall_confirmation": ("0", False),
    "console": ("0", False),
    "no_monitor": ("1", True),
    "login_region": ("hk", "hk"),
    "openfutu_data_dir": ("/var/lib/openfutu", "/var/lib/openfutu"),
    "openfutu_seed": ("42", 42),
    "openfutu_clock": ("virtual", "virtual"),
    "openfutu_clock_speed": ("60", 60.0),
    "openfutu_sub_quota": ("300", 300),
    "openfutu_history_kl_quota": ("2000", 2000),
    "openfutu_keepalive_interval": ("5", 5),
    "openfutu_max_connections": ("16", 16),
    "openfutu_serve_real_env": ("1", True),
    "openfutu_initial_cash": ("HKD=500000, usd=2500.5", {Currency.HKD: 500000.0, Currency.USD: 2500.5}),
    "openfutu_aes_mode": ("ftaes_ecb", "ftaes_ecb"),
}


@pytest.fixture
def all_values(rsa1024, tls_pair, key_dir) -> dict[str, tuple[str, object]]:
    cert_file = key_dir / "login.cert"
    cert_file.write_text("certificate")
    universe = key_dir / "universe.csv"
    universe.write_text("code,name\n")
    values = dict(GOOD_VALUES)
    values.update({
        "rsa_private_key": (rsa1024, rsa1024),
        "websocket_private_key": (tls_pair[0], tls_pair[0]),
        "websocket_cert": (tls_pair[1], tls_pair[1]),
        "login_cert_file": (str(cert_file), str(cert_file)),
        "openfutu_universe_file": (str(universe), str(universe)),
    })
    return values


def test_good_values_cover_every_file_key(all_values):
    file_keys = {k for k, s in SETTINGS.items() if s.where != "flag"}
    # openfutu_clock_start depends on the clock mode: tested on its own below
    assert file_keys - set(all_values) == {"openfutu_clock_start"}


def test_every_key_from_xml(tmp_path, all_values):
    config = from_xml(tmp_path, {k: text for k, (text, _) in all_values.items()})
    for key, (_, expected) in all_values.items():
        assert getattr(config, key) == expected, key
    assert config.extra == {}
    assert config.rsa_key is not None and config.rsa_key.key_size == 1024


def test_every_key_from_flags(all_values):
    config = load_config([f"-{k}={text}" for k, (text, _) in all_values.items()])
    for key, (_, expected) in all_values.items():
        assert getattr(config, key) == expected, key


def test_double_dash_flags_and_stripped_values():
    config = load_config(["--api_port= 12345 ", "--lang=EN", "-log_level=  warning"])
    assert (config.api_port, config.lang, config.log_level) == (12345, "en", "warning")


def test_xml_values_are_stripped(tmp_path):
    config = from_xml(tmp_path, {"api_port": "\n   11112\n ", "lang": "  en "})
    assert (config.api_port, config.lang) == (11112, "en")


def test_virtual_clock_start(tmp_path):
    config = from_xml(tmp_path, {"openfutu_clock": "virtual",
                                 "openfutu_clock_start": "2024-03-04T09:30:00+08:00"})
    assert config.openfutu_clock_start == dt.datetime(
        2024, 3, 4, 1, 30, tzinfo=dt.timezone.utc)
    flagged = load_config(["-openfutu_clock=virtual", "-openfutu_clock_start=2024-03-04T13:30:00Z"])
    assert flagged.openfutu_clock_start.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text,hours", [("UTC", 0), ("UTC+1", 1), ("UTC+12", 12), ("UTC-11", -11),
                                        ("utc-5", -5), ("UTC+08", 8)])
def test_future_trade_time_zone(text, hours):
    config = load_config([f"-future_trade_api_time_zone={text}"])
    assert config.future_trade_tz.utcoffset(None) == dt.timedelta(hours=hours)
    moment = dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.timezone.utc).astimezone(config.future_trade_tz)
    assert moment.hour == (3 + hours) % 24


def test_bare_switch_flags():
    config = load_config(["-no_monitor"])
    assert config.no_monitor
    assert load_config(["-help", "-api_port=1"]).help
    assert load_config(["-h"]).help
    assert load_config(["--help"]).help


def test_help_ignores_other_settings():
    # -help prints the list even when other flags would not load
    assert load_config(["-help", "-cfg_file=/nonexistent.xml"]).help


# ------------------------------------------------------------------ precedence

def test_flags_beat_file_beat_defaults(tmp_path):
    config = from_xml(tmp_path, {"api_port": "11112", "lang": "en", "log_level": "debug"},
                      "-api_port=11113")
    assert config.api_port == 11113  # flag
    assert config.lang == "en" and config.log_level == "debug"  # file
    assert config.ip == "127.0.0.1"  # default


def test_empty_values_mean_unset(tmp_path):
    config = from_xml(tmp_path, {"telnet_port": "", "ip": "   ", "api_port": "11112"})
    assert config.telnet_port is None and config.ip == "127.0.0.1"
    # an empty flag unsets a value from the file, back to the default
    config = from_xml(tmp_path, {"telnet_port": "22222", "api_port": "11112"}, "-telnet_port=", "-api_port=")
    assert config.telnet_port is None and config.api_port == 11111


def test_last_flag_wins():
    assert load_config(["-api_port=1", "-api_port=2"]).api_port == 2


def test_no_cfg_file_reads_no_file(tmp_path, monkeypatch):
    xml_file(tmp_path, "<api_port>notaport</api_port>")  # a FutuOpenD.xml in the cwd
    monkeypatch.chdir(tmp_path)
    assert load_config([]).api_port == 11111


def test_command_line_password_replaces_file_credentials(tmp_path):
    # OpenD's order: command-line password before any XML credential
    md5 = "0" * 32
    config = from_xml(tmp_path, {"login_account": "1", "login_pwd_md5": md5}, "-login_pwd=abc")
    assert config.login_pwd_md5 is None
    assert config.effective_login_pwd_md5 == hashlib.md5(b"abc").hexdigest()
    assert config.login_account == "1"


# ------------------------------------------------------------------ bad values

BAD_VALUES = [
    ("ip", "not an address!"),
    ("ip", "256.1.1.1.1"),
    ("api_port", "eleven"),
    ("api_port", "65536"),
    ("api_port", "-1"),
    ("api_port", "1.5"),
    ("login_pwd_md5", "6e55f158a827b1alc4321a245aaaad88"),  # the docs' sample has an 'l' (docs L1063)
    ("login_pwd_md5", "e10adc3949ba59abbe56e057f20f883"),
    ("lang", "jp"),
    ("log_level", "verbose"),
    ("push_proto_type", "2"),
    ("push_proto_type", "json"),
    ("qot_push_frequency", "-5"),
    ("qot_push_frequency", "fast"),
    ("telnet_ip", "a b"),
    ("telnet_port", "70000"),
    ("rsa_private_key", "/nonexistent/rsa.pem"),
    ("price_reminder_push", "2"),
    ("auto_hold_quote_right", "yes please"),
    ("future_trade_api_time_zone", "UTC+13"),
    ("future_trade_api_time_zone", "UTC-12"),
    ("future_trade_api_time_zone", "UTC+0"),
    ("future_trade_api_time_zone", "EST"),
    ("future_trade_api_time_zone", "GMT+8"),
    ("websocket_ip", "-bad-"),
    ("websocket_port", "port"),
    ("websocket_key_md5", "short"),
    ("websocket_private_key", "/nonexistent/ws.key"),
    ("websocket_cert", "/nonexistent/ws.cer"),
    ("pdt_protection", "on"),
    ("dtcall_confirmation", "-1"),
    ("console", "2"),
    ("no_monitor", "x"),
    ("login_region", "us"),
    ("login_cert_file", "/nonexistent/cert"),
    ("openfutu_seed", "seed"),
    ("openfutu_seed", "-1"),
    ("openfutu_clock", "fast"),
    ("openfutu_clock_start", "2024-03-04T09:30:00"),  # no offset
    ("openfutu_clock_start", "yesterday"),
    ("openfutu_clock_speed", "0"),
    ("openfutu_clock_speed", "-2"),
    ("openfutu_clock_speed", "inf"),
    ("openfutu_clock_speed", "nan"),
    ("openfutu_sub_quota", "500"),
    ("openfutu_history_kl_quota", "0"),
    ("openfutu_keepalive_interval", "0"),
    ("openfutu_keepalive_interval", "41"),
    ("openfutu_max_connections", "0"),
    ("openfutu_serve_real_env", "maybe"),
    ("openfutu_initial_cash", "HKD"),
    ("openfutu_initial_cash", "XYZ=100"),
    ("openfutu_initial_cash", "HKD=-1"),
    ("openfutu_initial_cash", "HKD=lots"),
    ("openfutu_initial_cash", "HKD=1,HKD=2"),
    ("openfutu_initial_cash", ","),
    ("openfutu_universe_file", "/nonexistent/universe.csv"),
    ("openfutu_aes_mode", "aes_gcm"),
]


@pytest.mark.parametrize("key,text", BAD_VALUES)
def test_bad_flag_value_names_the_key(key, text):
    extra = ["-openfutu_clock=virtual"] if key == "openfutu_clock_start" else []
    with pytest.raises(ConfigError) as err:
        load_config([*extra, f"-{key}={text}"])
    assert err.value.key == key
    assert key in str(err.value) and "command line" in str(err.value)


@pytest.mark.parametrize("key,text", [bv for bv in BAD_VALUES if SETTINGS[bv[0]].where != "flag"])
def test_bad_xml_value_names_the_key_file_and_line(tmp_path, key, text):
    extra = "<openfutu_clock>virtual</openfutu_clock>\n" if key == "openfutu_clock_start" else ""
    path = xml_file(tmp_path, f"<api_port>11111</api_port>\n{extra}<{key}>{text}</{key}>")
    with pytest.raises(ConfigError) as err:
        load_config([f"-cfg_file={path}"])
    assert err.value.key == key
    line = 4 if extra else 3
    assert f"{path}:{line}: {key}:" in str(err.value)


def test_every_key_has_a_bad_value_test():
    can_be_wrong = set(SETTINGS) - {"login_account", "login_pwd", "openfutu_data_dir", "help", "cfg_file"}
    assert can_be_wrong <= {key for key, _ in BAD_VALUES}


def test_clock_start_without_virtual_clock_is_an_error():
    with pytest.raises(ConfigError, match="openfutu_clock_start"):
        load_config(["-openfutu_clock_start=2024-03-04T09:30:00+08:00"])


def test_ports_must_differ():
    with pytest.raises(ConfigError, match="telnet_port: port 11111 is already used by api_port"):
        load_config(["-telnet_port=11111"])
    with pytest.raises(ConfigError, match="websocket_port"):
        load_config(["-telnet_port=22222", "-websocket_port=22222"])
    assert load_config(["-api_port=0", "-telnet_port=0"]).telnet_port == 0  # both "any free port"


# ------------------------------------------------------------------ flags syntax

@pytest.mark.parametrize("argv,key", [
    (["-api_prot=1"], "api_prot"),
    (["-rsa private key=/x"], "rsa private key"),
    (["-got_push_frequency=1000"], "got_push_frequency"),
    (["gateway"], "gateway"),
    (["-"], "-"),
    (["-api_port"], "api_port"),  # needs a value
])
def test_bad_flags(argv, key):
    with pytest.raises(ConfigError) as err:
        load_config(argv)
    assert err.value.key == key and key in str(err.value)


def test_unknown_flag_suggests_the_right_key():
    with pytest.raises(ConfigError, match="did you mean qot_push_frequency"):
        load_config(["-got_push_frequency=1000"])


# ------------------------------------------------------------------ passwords

def test_plaintext_password_gives_its_md5():
    config = load_config(["-login_pwd=123456"])
    assert config.effective_login_pwd_md5 == "e10adc3949ba59abbe56e057f20f883e"  # docs L514


def test_md5_wins_over_plaintext(tmp_path):
    md5 = hashlib.md5(b"other").hexdigest()
    config = from_xml(tmp_path, {"login_pwd_md5": md5.upper(), "login_pwd": "123456"})
    assert config.login_pwd == "123456"
    assert config.effective_login_pwd_md5 == md5


# ------------------------------------------------------------------ websocket TLS pair

def test_websocket_key_and_cert_together(tls_pair):
    key, cert = tls_pair
    config = load_config([f"-websocket_private_key={key}", f"-websocket_cert={cert}", "-websocket_port=33333"])
    assert config.websocket_ssl and config.websocket_enabled


@pytest.mark.parametrize("which", ["key", "cert"])
def test_websocket_key_or_cert_alone_is_an_error(tls_pair, which):
    key, cert = tls_pair
    flag = f"-websocket_private_key={key}" if which == "key" else f"-websocket_cert={cert}"
    missing = "websocket_cert" if which == "key" else "websocket_private_key"
    with pytest.raises(ConfigError) as err:
        load_config([flag])
    assert err.value.key == missing


def test_websocket_files_must_hold_pem(tmp_path, tls_pair):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not pem")
    with pytest.raises(ConfigError, match="websocket_cert"):
        load_config([f"-websocket_private_key={tls_pair[0]}", f"-websocket_cert={garbage}"])
    with pytest.raises(ConfigError, match="websocket_private_key"):
        load_config([f"-websocket_private_key={garbage}", f"-websocket_cert={tls_pair[1]}"])
    locked = write_pem_key(tmp_path / "locked.pem", 2048, password=b"pw")
    with pytest.raises(ConfigError, match="websocket_private_key.*passphrase"):
        load_config([f"-websocket_private_key={locked}", f"-websocket_cert={tls_pair[1]}"])


def test_non_local_websocket_without_ssl_is_accepted_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="openfutu.config"):
        config = load_config(["-websocket_ip=0.0.0.0", "-websocket_port=33333"])
    assert config.websocket_enabled and not config.websocket_ssl
    assert any("docs L1126" in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------------ RSA key

def test_rsa_key_loads(rsa1024):
    config = load_config([f"-rsa_private_key={rsa1024}"])
    assert isinstance(config.rsa_key, rsa.RSAPrivateKey)
    assert config.rsa_key.key_size == 1024  # docs L11686
    assert config.rsa_private_key == rsa1024


def test_rsa_key_in_pkcs8_also_loads(tmp_path):
    path = write_pem_key(tmp_path / "pkcs8.pem", pkcs8=True)
    assert load_config([f"-rsa_private_key={path}"]).rsa_key.key_size == 1024


@pytest.mark.parametrize("case,message", [
    ("missing", "no such file"),
    ("garbage", "not a PEM RSA private key"),
    ("size", "2048-bit"),
    ("passphrase", "passphrase"),
    ("not_rsa", "not an RSA key"),
    ("directory", "no such file"),
])
def test_bad_rsa_key_file(tmp_path, case, message):
    path = tmp_path / "key.pem"
    if case == "garbage":
        path.write_bytes(b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
    elif case == "size":
        write_pem_key(path, bits=2048)
    elif case == "passphrase":
        write_pem_key(path, password=b"secret")
    elif case == "not_rsa":
        key = ec.generate_private_key(ec.SECP256R1())
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    elif case == "directory":
        path.mkdir()
    with pytest.raises(ConfigError, match=message) as err:
        load_config([f"-rsa_private_key={path}"])
    assert err.value.key == "rsa_private_key"


def test_rsa_key_reloads_on_replace(rsa1024):
    config = load_config([f"-rsa_private_key={rsa1024}"])
    plain = dataclasses.replace(config, rsa_private_key=None)
    assert plain.rsa_key is None
    again = dataclasses.replace(plain, rsa_private_key=rsa1024)
    assert again.rsa_key is not None
    assert GatewayConfig(rsa_private_key=rsa1024).rsa_key is not None


def test_relative_paths_in_xml_are_taken_from_the_file_folder(tmp_path):
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    write_pem_key(conf_dir / "rsa.pem")
    config = from_xml(conf_dir, {"rsa_private_key": "rsa.pem", "openfutu_data_dir": "data"})
    assert config.rsa_key is not None
    assert Path(config.rsa_private_key) == conf_dir / "rsa.pem"
    assert Path(config.openfutu_data_dir) == conf_dir / "data"


# ------------------------------------------------------------------ OpenD's own files

def docs_basic_config(api_port: int, account: str) -> str:
    """The basic part of OpenD.xml as the docs show it (docs L11873-L11924,
    L13414-L13458): bilingual comments, the MD5 line commented out."""
    return f"""<futu_opend>
<!-- 基础参数 -->
<!-- Basic parameters -->
<!-- 协议监听地址,不填默认127.0.0.1 -->
<!-- Listening address, 127.0.0.1 when left out -->
<ip>127.0.0.1</ip>
<!-- API接口协议监听端口 -->
<!-- API listening port -->
<api_port>{api_port}</api_port>
<!-- 登录帐号 -->
<!-- Login account -->
<login_account>{account}</login_account>
<!-- 登录密码32位MD5加密16进制 -->
<!-- Login password as 32 hex digits of MD5 -->
<!-- <login_pwd_md5>6e55f158a827b1alc4321a245aaaad88</login_pwd_md5> -->
<!-- 登录密码明文, 密码密文存在情况下只使用密文 -->
<!-- Plain-text password, ignored when the MD5 form is given -->
<login_pwd>123456</login_pwd>
<!-- FutuOpenD语言, en: 英文, chs: 简体中文 -->
<!-- Language, en or chs -->
<lang>chs</lang>
<!-- 进阶参数 -->
<!-- Advanced parameters -->
<!-- <qot_push_frequency>1000</qot_push_frequency> -->
<!-- <telnet_ip>127.0.0.1</telnet_ip> -->
<!-- <rsa_private_key>D:\\rsa</rsa_private_key> -->
</futu_opend>
"""


@pytest.mark.parametrize("api_port,account", [(11111, "100000"), (11112, "100001")])  # docs L11869-L11871
def test_docs_basic_config_parses_as_is(tmp_path, api_port, account):
    path = tmp_path / "OpenD.xml"
    path.write_text(docs_basic_config(api_port, account), encoding="utf-8")
    config = load_config([f"-cfg_file={path}"])
    assert config.ip == "127.0.0.1" and config.listen_is_loopback
    assert config.api_port == api_port
    assert config.login_account == account
    assert config.login_pwd == "123456" and config.login_pwd_md5 is None
    assert config.effective_login_pwd_md5 == "e10adc3949ba59abbe56e057f20f883e"
    assert config.lang == "chs"
    assert config.rsa_private_key is None and config.qot_push_frequency is None
    assert config.extra == {}
    assert config.cfg_file == str(path)


def test_docs_template_root_typo_and_stray_text_are_tolerated(tmp_path, caplog):
    # docs L1051: <futu_opeD>, and L1055 has text after a comment
    body = ("<!-- Listening address --> // Listening address\n<ip>127.0.0.1</ip>\n"
            "<api_port>11111</api_port>\n<telnet_ip>127.0.0.1</telnet_ip>\n<telnet_port>22222</telnet_port>")
    path = xml_file(tmp_path, body, root="futu_opeD")
    with caplog.at_level(logging.WARNING, logger="openfutu.config"):
        config = load_config([f"-cfg_file={path}"])
    assert config.telnet_port == 22222 and config.telnet_enabled
    assert any("futu_opeD" in r.getMessage() for r in caplog.records)


def test_unknown_xml_keys_are_kept_and_logged(tmp_path, caplog):
    body = ("<api_port>11111</api_port>\n<got_push_frequency>1000</got_push_frequency>\n"
            "<some_future_key>  value  </some_future_key>\n<cfg_file>/x.xml</cfg_file>")
    path = xml_file(tmp_path, body)
    with caplog.at_level(logging.WARNING, logger="openfutu.config"):
        config = load_config([f"-cfg_file={path}"])
    assert config.extra == {"got_push_frequency": "1000", "some_future_key": "value", "cfg_file": "/x.xml"}
    assert config.qot_push_frequency is None
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "got_push_frequency" in messages and "some_future_key" in messages
    assert "qot_push_frequency" in messages  # the suggestion


def test_xml_with_declaration_and_other_encoding(tmp_path):
    path = tmp_path / "gbk.xml"
    text = '<?xml version="1.0" encoding="GBK"?>\n<futu_opend>\n<!-- 登录帐号 -->\n<api_port>11112</api_port>\n</futu_opend>\n'
    path.write_bytes(text.encode("gbk"))
    assert load_config([f"-cfg_file={path}"]).api_port == 11112


def test_xml_saved_as_gbk_without_declaration_or_with_bom(tmp_path):
    gbk = tmp_path / "ansi.xml"
    gbk.write_bytes("<futu_opend>\n<!-- 登录帐号 -->\n<login_account>100000</login_account>\n</futu_opend>".encode("gbk"))
    assert load_config([f"-cfg_file={gbk}"]).login_account == "100000"
    bom = tmp_path / "bom.xml"
    bom.write_bytes(b"\xef\xbb\xbf<futu_opend><lang>en</lang></futu_opend>")
    assert load_config([f"-cfg_file={bom}"]).lang == "en"


def test_unknown_declared_encoding(tmp_path):
    path = tmp_path / "odd.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="klingon"?><futu_opend/>')
    with pytest.raises(ConfigError, match="cfg_file.*klingon"):
        load_config([f"-cfg_file={path}"])


@pytest.mark.parametrize("text,line", [
    ("<futu_opend>\n<ip>127.0.0.1</ip>\n<api_port>11111</api_prt>\n</futu_opend>\n", 3),
    ("<futu_opend>\n<ip>127.0.0.1</ip>\n", 3),
    ("", 1),
    ("<futu_opend>\n<pdt_protection 1/pdt_protection>\n</futu_opend>\n", 2),  # docs L12842
])
def test_malformed_xml_names_the_file_and_line(tmp_path, text, line):
    path = tmp_path / "broken.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config([f"-cfg_file={path}"])
    assert err.value.key == "cfg_file"
    assert f"{path}:{line}:" in str(err.value) and "malformed XML" in str(err.value)


def test_missing_cfg_file(tmp_path):
    with pytest.raises(ConfigError, match="cfg_file.*no such file"):
        load_config([f"-cfg_file={tmp_path / 'absent.xml'}"])


def test_key_given_twice_in_xml(tmp_path):
    path = xml_file(tmp_path, "<api_port>1</api_port>\n<api_port>2</api_port>")
    with pytest.raises(ConfigError, match=r":3: api_port: given twice \(first at line 2\)"):
        load_config([f"-cfg_file={path}"])


def test_known_key_holding_elements_is_an_error(tmp_path):
    path = xml_file(tmp_path, "<api_port><value>1</value></api_port>")
    with pytest.raises(ConfigError, match="api_port"):
        load_config([f"-cfg_file={path}"])


def test_example_file_is_complete_and_loads(tmp_path):
    config = load_config([f"-cfg_file={EXAMPLE_XML}"])
    assert config.extra == {}
    text = EXAMPLE_XML.read_text(encoding="utf-8")
    for key, spec in SETTINGS.items():
        if spec.where != "flag":
            assert f"<{key}>" in text, key
    # every commented-out example value is itself valid
    assert config.api_port == 11111 and config.openfutu_max_connections == 128


# ------------------------------------------------------------------ derived values

@pytest.mark.parametrize("ip,loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("localhost", True),
    ("LOCALHOST", True), ("::ffff:127.0.0.1", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("10.0.0.1", False),
    ("example.com", False), ("128.0.0.1", False),
])
def test_loopback_rule(ip, loopback, rsa1024):
    config = load_config([f"-ip={ip}"])
    assert config.listen_is_loopback is loopback
    # docs L504, L1125: non-local listening needs an RSA key for trading
    assert config.trading_allowed is loopback
    assert load_config([f"-ip={ip}", f"-rsa_private_key={rsa1024}"]).trading_allowed


def test_push_format_per_connection():
    config = load_config(["-push_proto_type=1"])
    assert config.effective_push_format is ProtoFmt.JSON
    assert config.push_format_for(None) is ProtoFmt.JSON
    assert config.push_format_for(0) is ProtoFmt.PROTOBUF  # InitConnect pushProtoFmt wins
    assert config.push_format_for(7) is ProtoFmt.JSON  # unknown: fall back to the file


def test_config_help_lists_every_key_with_its_default():
    text = config_help()
    for key, spec in SETTINGS.items():
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"-{key} "))
        assert f"[default: {spec.default_text}]" in line
    assert "[default: 11111]" in text and "[default: UTC+8]" in text
