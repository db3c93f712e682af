"""Gateway configuration: OpenD's ``FutuOpenD.xml`` read as-is, plus
OpenD-style ``-key=value`` flags and our own ``openfutu_*`` simulation keys.

Precedence is flags > XML file > embedded defaults. Every key is declared
once, as a field of :class:`GatewayConfig` built with :func:`setting`; that
declaration carries the parser, the default and the help line, and
:data:`SETTINGS` is the table derived from it. Adding a key is one line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import ipaddress
import logging
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence
from xml.parsers import expat

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from openfutu.broker.enums import Currency
from openfutu.protocol.frame import ProtoFmt

log = logging.getLogger("openfutu.config")

ROOT_ELEMENT = "futu_opend"  # docs L11874
RSA_KEY_BITS = 1024  # docs L11686: OpenD's RSA key is 1024-bit
QUOTA_TIERS = (100, 300, 1000, 2000)  # docs L184-L187
LOG_LEVELS = ("no", "debug", "info", "warning", "error", "fatal")  # docs L1070-L1071
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")
_INT = re.compile(r"[+-]?[0-9]+")
_HOSTNAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")
_XML_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_TIME_ZONE = re.compile(r"UTC(?:([+-])([0-9]{1,2}))?", re.IGNORECASE)


class ConfigError(ValueError):
    """A configuration value is wrong. The message always names the key;
    ``where`` adds the file and line (XML) or "command line" (flags)."""

    def __init__(self, key: str, problem: str, where: str | None = None) -> None:
        self.key = key
        self.problem = problem
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{key}: {problem}")


# ------------------------------------------------------------------ parsers
# Each parser takes the stripped, non-empty text of a value and returns the
# typed value, raising ValueError with a short reason when it is wrong.

Parser = Callable[[str], Any]


def parse_text(text: str) -> str:
    return text


def parse_flag(text: str) -> bool:
    """OpenD switches are 0/1; true/false is accepted for Python callers."""
    lowered = text.lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    raise ValueError(f"expected 0 or 1, got {text!r}")


def int_in(low: int, high: int | None = None) -> Parser:
    def parse(text: str) -> int:
        if not _INT.fullmatch(text):
            raise ValueError(f"expected an integer, got {text!r}")
        value = int(text)
        if value < low or (high is not None and value > high):
            bound = f"{low}..{high}" if high is not None else f">= {low}"
            raise ValueError(f"must be {bound}, got {value}")
        return value

    return parse


def one_of(*choices: str) -> Parser:
    def parse(text: str) -> str:
        lowered = text.lower()
        if lowered not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {text!r}")
        return lowered

    return parse


def tier(text: str) -> int:
    value = int_in(0)(text)
    if value not in QUOTA_TIERS:
        raise ValueError(f"expected one of the Futu tiers {QUOTA_TIERS}, got {value}")
    return value


parse_port = int_in(0, 65535)  # 0 = any free port (handy for tests)


def parse_host(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    # a name whose last label is all digits is a mistyped IPv4 address
    if not _HOSTNAME.fullmatch(text) or text.rstrip(".").rsplit(".", 1)[-1].isdigit():
        raise ValueError(f"not an IP address or host name: {text!r}")
    return text


def parse_md5(text: str) -> str:
    # 32 hex digits of an MD5 digest (docs L1127, example at docs L514)
    if not _HEX32.fullmatch(text):
        raise ValueError(f"expected 32 hexadecimal digits (an MD5 digest), got {text!r}")
    return text.lower()


def parse_push_format(text: str) -> ProtoFmt:
    return ProtoFmt(int_in(0, 1)(text))  # docs L1072-L1074: 0 protobuf, 1 JSON


def parse_time_zone(text: str) -> str:
    """``UTC``, ``UTC+1``..``UTC+12`` or ``UTC-1``..``UTC-11`` (docs L12741:
    default UTC+8, e.g. UTC-5 for US Eastern)."""
    match = _TIME_ZONE.fullmatch(text)
    if not match:
        raise ValueError(f"expected UTC, UTC+N (1..12) or UTC-N (1..11), got {text!r}")
    sign, hours = match.groups()
    if sign is None:
        return "UTC"
    value = int(hours)
    if value < 1 or value > (12 if sign == "+" else 11):
        raise ValueError(f"expected UTC, UTC+N (1..12) or UTC-N (1..11), got {text!r}")
    return f"UTC{sign}{value}"


def time_zone_info(name: str) -> dt.tzinfo:
    if name == "UTC":
        return dt.timezone.utc
    return dt.timezone(dt.timedelta(hours=int(name[3:])), name)


def parse_path(text: str) -> str:
    return os.path.expanduser(text)


def parse_existing_file(text: str) -> str:
    path = os.path.expanduser(text)
    if not os.path.isfile(path):
        raise ValueError(f"no such file: {path}")
    return path


def load_rsa_key(path: str) -> rsa.RSAPrivateKey:
    """The API-encryption key: unencrypted PEM RSA private key, 1024-bit
    (docs L11676, L11686). PKCS#1 is documented; PKCS#8 is accepted too."""
    try:
        pem = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError as exc:  # the key is protected by a passphrase
        raise ValueError(f"{path}: the key must not have a passphrase") from exc
    except ValueError as exc:
        raise ValueError(f"{path}: not a PEM RSA private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path}: the PEM key is not an RSA key")
    if key.key_size != RSA_KEY_BITS:
        raise ValueError(
            f"{path}: the key is {key.key_size}-bit; OpenD's protocol uses {RSA_KEY_BITS}-bit keys"
        )
    return key


def parse_rsa_key_file(text: str) -> str:
    path = parse_existing_file(text)
    load_rsa_key(path)
    return path


def parse_tls_key_file(text: str) -> str:
    """WebSocket TLS key: PEM, no passphrase (docs L13673)."""
    path = parse_existing_file(text)
    try:
        serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except TypeError as exc:
        raise ValueError(f"{path}: the key must not have a passphrase") from exc
    except (ValueError, OSError) as exc:
        raise ValueError(f"{path}: not a PEM private key") from exc
    return path


def parse_tls_cert_file(text: str) -> str:
    path = parse_existing_file(text)
    try:
        x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (ValueError, OSError) as exc:
        raise ValueError(f"{path}: not a PEM certificate") from exc
    return path


def parse_aware_datetime(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not an ISO-8601 date-time: {text!r}") from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"needs a UTC offset, e.g. 2024-03-04T09:30:00+08:00, got {text!r}")
    return value


def parse_positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise ValueError(f"expected a number, got {text!r}") from exc
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"must be a finite number > 0, got {text!r}")
    return value


def parse_cash(text: str) -> dict[Currency, float]:
    """``HKD=1000000,USD=1000000``: opening cash per currency."""
    cash: dict[Currency, float] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        code, sep, amount_text = item.partition("=")
        code = code.strip().upper()
        if not sep or code not in Currency.__members__ or code == "NONE":
            known = ", ".join(c.name for c in Currency if c is not Currency.NONE)
            raise ValueError(f"expected CUR=AMOUNT items with CUR in {known}, got {item!r}")
        try:
            amount = float(amount_text)
        except ValueError as exc:
            raise ValueError(f"{code}: not an amount: {amount_text.strip()!r}") from exc
        if not math.isfinite(amount) or amount < 0:
            raise ValueError(f"{code}: amount must be >= 0, got {amount_text.strip()!r}")
        if Currency[code] in cash:
            raise ValueError(f"{code} given twice")
        cash[Currency[code]] = amount
    if not cash:
        raise ValueError("no CUR=AMOUNT item")
    return cash


# ------------------------------------------------------------------ settings

FILE_AND_FLAG = "file+flag"
FLAG_ONLY = "flag"


@dataclass(frozen=True)
class Setting:
    """How one key is read: parser, default, help, and where it may appear."""

    key: str
    parse: Parser
    default: Any
    help: str
    where: str = FILE_AND_FLAG
    is_path: bool = False  # relative paths in XML are taken from the file's folder
    bare_flag: bool = False  # ``-key`` alone means ``-key=1``

    @property
    def default_text(self) -> str:
        if self.default is None:
            return "unset"
        if isinstance(self.default, bool):
            return "1" if self.default else "0"
        if isinstance(self.default, dict):
            return ",".join(f"{k.name}={v:.15g}" for k, v in self.default.items())
        return str(int(self.default)) if isinstance(self.default, ProtoFmt) else str(self.default)


def setting(
    default: Any,
    parse: Parser,
    help: str,
    *,
    where: str = FILE_AND_FLAG,
    is_path: bool = False,
    bare_flag: bool = False,
) -> Any:
    """A GatewayConfig field that is also a configuration key."""
    meta = {"setting": (parse, help, where, is_path, bare_flag)}
    if isinstance(default, dict):
        frozen = dict(default)
        return field(default_factory=lambda: dict(frozen), metadata=meta, hash=False)
    return field(default=default, metadata=meta)


DEFAULT_INITIAL_CASH = "HKD=1000000,USD=1000000,CNH=1000000,JPY=100000000"


def is_loopback_host(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway is told at start-up. Build it with
    :func:`load_config`; constructing it directly runs the same cross-key
    checks and loads the RSA key."""

    # --- OpenD keys, FutuOpenD.xml and -key=value (docs L1049-L1134)
    ip: str = setting("127.0.0.1", parse_host, "API listen address; 0.0.0.0 = all interfaces")  # docs L1054
    api_port: int = setting(11111, parse_port, "API listen port (0 = any free port)")  # docs L1057-L1059
    login_account: str | None = setting(None, parse_text, "login account: Futu ID, phone or e-mail")  # docs L1060
    login_pwd: str | None = setting(None, parse_text, "login password, plain text")  # docs L1064
    login_pwd_md5: str | None = setting(None, parse_md5, "login password as 32 hex MD5; wins over login_pwd")  # docs L1062
    lang: str = setting("chs", one_of("chs", "en"), "OpenD language: chs or en")  # docs L1066
    log_level: str = setting("info", one_of(*LOG_LEVELS), "no, debug, info, warning, error or fatal")  # docs L1134
    push_proto_type: ProtoFmt = setting(ProtoFmt.PROTOBUF, parse_push_format, "push body format: 0 protobuf, 1 JSON")
    qot_push_frequency: int | None = setting(None, int_in(0), "push throttle in ms; unset = unthrottled")  # docs L1075
    telnet_ip: str = setting("127.0.0.1", parse_host, "operation-command (telnet) listen address")  # docs L1078
    telnet_port: int | None = setting(None, parse_port, "telnet port; unset = telnet off")  # docs L479
    rsa_private_key: str | None = setting(
        None, parse_rsa_key_file, "RSA private key file (PEM, 1024-bit) for API encryption", is_path=True
    )  # docs L1084-L1086
    price_reminder_push: bool = setting(True, parse_flag, "receive price-reminder pushes: 0/1")  # docs L1087
    auto_hold_quote_right: bool = setting(True, parse_flag, "grab the quote right back when kicked: 0/1")  # docs L11798
    future_trade_api_time_zone: str = setting(
        "UTC+8", parse_time_zone, "time zone of futures trading APIs: UTC, UTC+1..+12, UTC-1..-11"
    )  # docs L12741
    websocket_ip: str = setting("127.0.0.1", parse_host, "WebSocket listen address")  # docs L13641
    websocket_port: int | None = setting(None, parse_port, "WebSocket port; unset = WebSocket off")
    websocket_key_md5: str | None = setting(None, parse_md5, "WebSocket auth key as 32 hex MD5")  # docs L1117
    websocket_private_key: str | None = setting(
        None, parse_tls_key_file, "WebSocket TLS key (PEM, no passphrase); with websocket_cert", is_path=True
    )  # docs L13673
    websocket_cert: str | None = setting(
        None, parse_tls_cert_file, "WebSocket TLS certificate (PEM); with websocket_private_key", is_path=True
    )  # docs L1119
    # on unless set to 0 (docs L12832, L12854)
    pdt_protection: bool = setting(True, parse_flag, "(US) block orders that would flag a Pattern Day Trader: 0/1")
    dtcall_confirmation: bool = setting(True, parse_flag, "(US) block opening orders beyond day-trading BP: 0/1")

    # --- OpenD command-line parameters (spec §7; docs L1133 for cfg_file)
    cfg_file: str | None = setting(None, parse_existing_file, "XML configuration file to read", where=FLAG_ONLY)
    console: bool = setting(True, parse_flag, "1 run in the foreground console, 0 background", bare_flag=True)
    no_monitor: bool = setting(False, parse_flag, "do not start a watchdog process (accepted, no effect)", bare_flag=True)
    login_region: str | None = setting(None, one_of("gz", "sh", "hk"), "preferred access point: gz, sh or hk")
    login_cert_file: str | None = setting(
        None, parse_existing_file, "certificate-login file; wins over the password", is_path=True
    )
    help: bool = setting(False, parse_flag, "print this list and exit", where=FLAG_ONLY, bare_flag=True)

    # --- openfutu simulation keys (XML and flags)
    openfutu_data_dir: str = setting("./openfutu-data", parse_path, "where the ledger and user data live", is_path=True)
    openfutu_seed: int = setting(1, int_in(0), "seed of the simulated market")
    openfutu_clock: str = setting("real", one_of("real", "virtual"), "real or virtual clock")
    openfutu_clock_start: dt.datetime | None = setting(
        None, parse_aware_datetime, "virtual clock start, ISO-8601 with offset; unset = now"
    )
    openfutu_clock_speed: float = setting(1.0, parse_positive_float, "virtual seconds per real second")
    openfutu_sub_quota: int = setting(1000, tier, "subscription quota: 100, 300, 1000 or 2000")  # docs L184-L187
    openfutu_history_kl_quota: int = setting(1000, tier, "history K-line quota: 100, 300, 1000 or 2000")
    openfutu_keepalive_interval: int = setting(
        10, int_in(1, 40), "keepAliveInterval in seconds sent in InitConnect"
    )  # spec §10.1: the SDK hangs up after 33 s of silence
    openfutu_max_connections: int = setting(128, int_in(1), "API connection limit")  # docs L11836
    openfutu_serve_real_env: bool = setting(False, parse_flag, "serve TrdEnv.REAL from simulated accounts: 0/1")
    openfutu_initial_cash: dict[Currency, float] = setting(
        parse_cash(DEFAULT_INITIAL_CASH), parse_cash, "opening cash per currency, CUR=AMOUNT,..."
    )
    openfutu_universe_file: str | None = setting(
        None, parse_existing_file, "file of extra user instruments", is_path=True
    )
    openfutu_aes_mode: str = setting(
        "auto", one_of("auto", "ftaes_ecb"), "auto: AES mode the client asks for; ftaes_ecb: always FTAES-ECB"
    )  # docs L11702

    # --- not keys
    extra: dict[str, str] = field(default_factory=dict, hash=False)  # unknown XML elements, kept
    rsa_key: rsa.RSAPrivateKey | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = None
        if self.rsa_private_key is not None:
            try:
                key = load_rsa_key(self.rsa_private_key)
            except ValueError as exc:
                raise ConfigError("rsa_private_key", str(exc)) from exc
        object.__setattr__(self, "rsa_key", key)
        if (self.websocket_private_key is None) != (self.websocket_cert is None):
            missing = "websocket_cert" if self.websocket_cert is None else "websocket_private_key"
            raise ConfigError(
                missing, "websocket_private_key and websocket_cert go together (docs L1126)"
            )
        if self.openfutu_clock_start is not None and self.openfutu_clock != "virtual":
            raise ConfigError("openfutu_clock_start", "only meaningful with openfutu_clock=virtual")
        # one process listens on all three; 0 (any free port) never clashes
        ports = [("api_port", self.api_port), ("telnet_port", self.telnet_port),
                 ("websocket_port", self.websocket_port)]
        for i, (name, port) in enumerate(ports):
            for other, other_port in ports[:i]:
                if port and other_port and port == other_port:
                    raise ConfigError(name, f"port {port} is already used by {other}")
        if self.websocket_port is not None and not self.websocket_is_loopback and not self.websocket_ssl:
            # docs L1126 says SSL is required, the FAQ (docs L13615) only
            # urges it; OpenD's own files must still load, so warn.
            log.warning("websocket_ip %s is not local and WebSocket SSL is off (docs L1126)",
                        self.websocket_ip)

    # --- derived values
    @property
    def listen_is_loopback(self) -> bool:
        return is_loopback_host(self.ip)

    @property
    def trading_allowed(self) -> bool:
        """Trading protocols need a local listener or an RSA key (docs L504, L1125)."""
        return self.listen_is_loopback or self.rsa_key is not None

    @property
    def effective_login_pwd_md5(self) -> str | None:
        """The password digest used to log in: login_pwd_md5 when given,
        else the MD5 of login_pwd (docs L1062-L1065)."""
        if self.login_pwd_md5 is not None:
            return self.login_pwd_md5
        if self.login_pwd is not None:
            return hashlib.md5(self.login_pwd.encode("utf-8")).hexdigest()
        return None

    @property
    def effective_push_format(self) -> ProtoFmt:
        """Push format of a connection that does not choose one in InitConnect."""
        return ProtoFmt(self.push_proto_type)

    def push_format_for(self, init_connect_fmt: int | None) -> ProtoFmt:
        """InitConnect's pushProtoFmt, when given, overrides push_proto_type."""
        if init_connect_fmt is None:
            return self.effective_push_format
        try:
            return ProtoFmt(init_connect_fmt)
        except ValueError:
            return self.effective_push_format

    @property
    def future_trade_tz(self) -> dt.tzinfo:
        return time_zone_info(self.future_trade_api_time_zone)

    @property
    def telnet_enabled(self) -> bool:
        return self.telnet_port is not None

    @property
    def websocket_enabled(self) -> bool:
        return self.websocket_port is not None

    @property
    def websocket_ssl(self) -> bool:
        return self.websocket_cert is not None and self.websocket_private_key is not None

    @property
    def websocket_is_loopback(self) -> bool:
        return is_loopback_host(self.websocket_ip)


def _settings_table() -> Mapping[str, Setting]:
    table: dict[str, Setting] = {}
    for f in dataclasses.fields(GatewayConfig):
        if "setting" not in f.metadata:
            continue
        parse, help_text, where, is_path, bare_flag = f.metadata["setting"]
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        table[f.name] = Setting(f.name, parse, default, help_text, where, is_path, bare_flag)
    return MappingProxyType(table)


#: key -> Setting, in declaration order: OpenD keys, command-line parameters, openfutu keys
SETTINGS: Mapping[str, Setting] = _settings_table()
OPENFUTU_SETTINGS: Mapping[str, Setting] = MappingProxyType(
    {k: s for k, s in SETTINGS.items() if k.startswith("openfutu_")}
)
# A credential given on the command line replaces the file's credentials
# (OpenD's login-source order: command line before XML).
LOGIN_CREDENTIALS = ("login_pwd", "login_pwd_md5", "login_cert_file")


# ------------------------------------------------------------------ sources

@dataclass
class RawValue:
    text: str  # stripped; "" = unset
    where: str  # "FILE:LINE" or "command line"
    base_dir: Path | None = None  # folder relative paths are taken from


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, list(SETTINGS), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def parse_flags(argv: Sequence[str]) -> dict[str, RawValue]:
    """OpenD-style flags ``-key=value`` (``--key=value`` too) into raw values;
    the last occurrence of a key wins."""
    raw: dict[str, RawValue] = {}
    for arg in argv:
        if not arg.startswith("-") or arg.strip("-") == "":
            raise ConfigError(str(arg), "not a -key=value flag", "command line")
        body = arg[2:] if arg.startswith("--") else arg[1:]
        key, sep, value = body.partition("=")
        if key in ("h",):
            key = "help"
        spec = SETTINGS.get(key)
        if spec is None:
            raise ConfigError(key, f"unknown flag -{key}{_suggest(key)}", "command line")
        if not sep:
            if not spec.bare_flag:
                raise ConfigError(key, f"needs a value: -{key}=VALUE", "command line")
            value = "1"
        raw[key] = RawValue(value.strip(), "command line")
    return raw


def read_xml(path: Path) -> tuple[dict[str, RawValue], dict[str, str]]:
    """The top-level elements of an OpenD XML file: known keys as raw values,
    unknown ones as plain text (the root element's name is not checked,
    since the docs' own template misspells it, docs L1051)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError("cfg_file", f"cannot read {path}: {exc.strerror or exc}") from exc

    document = _decode_xml(path, data)
    parser = expat.ParserCreate()
    depth = 0
    root: list[str] = []
    current: list[Any] = []  # [name, line, text parts, has child elements]
    found: list[tuple[str, int, str, bool]] = []

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth == 1:
            root.append(name)
        elif depth == 2:
            current[:] = [name, parser.CurrentLineNumber, [], False]
        else:
            current[3] = True

    def end(_name: str) -> None:
        nonlocal depth
        if depth == 2:
            name, line, parts, nested = current
            found.append((name, line, "".join(parts).strip(), nested))
        depth -= 1

    def text(chunk: str) -> None:
        if depth == 2:
            current[2].append(chunk)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(document, True)
    except expat.ExpatError as exc:
        where = f"{path}:{exc.lineno}:{exc.offset + 1}"
        raise ConfigError("cfg_file", f"malformed XML: {expat.ErrorString(exc.code)}", where) from exc
    if root and root[0] != ROOT_ELEMENT:
        log.warning("%s: root element <%s>, expected <%s>; reading it anyway", path, root[0], ROOT_ELEMENT)

    known: dict[str, RawValue] = {}
    extra: dict[str, str] = {}
    lines: dict[str, int] = {}
    for name, line, value, nested in found:
        where = f"{path}:{line}"
        if name in lines:
            raise ConfigError(name, f"given twice (first at line {lines[name]})", where)
        lines[name] = line
        spec = SETTINGS.get(name)
        if spec is None or spec.where == FLAG_ONLY:
            log.warning("%s: unknown key <%s> kept aside%s", where, name, _suggest(name))
            extra[name] = value
            continue
        if nested:
            raise ConfigError(name, "must hold a value, not elements", where)
        known[name] = RawValue(value, where, path.absolute().parent)
    return known, extra


def _decode_xml(path: Path, data: bytes) -> str:
    """Text of the file. expat cannot read multi-byte legacy encodings, so we
    decode here: the declared encoding, else UTF-8, else GB18030 (an OpenD
    file edited on Chinese Windows is often saved that way)."""
    declared = _XML_ENCODING.match(data)
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            return data.decode(name)
        except LookupError as exc:
            raise ConfigError("cfg_file", f"unknown encoding {name!r}", f"{path}:1") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError("cfg_file", f"not valid {name}: {exc.reason}", str(path)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.info("%s: not UTF-8, reading it as GB18030", path)
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ConfigError("cfg_file", f"neither UTF-8 nor GB18030: {exc.reason}", str(path)) from exc


def _parse_value(key: str, raw: RawValue) -> Any:
    spec = SETTINGS[key]
    if raw.text == "":  # empty means unset
        return dict(spec.default) if isinstance(spec.default, dict) else spec.default
    text = raw.text
    if spec.is_path and raw.base_dir is not None:
        expanded = os.path.expanduser(text)
        if not os.path.isabs(expanded):
            text = str(raw.base_dir / expanded)
    try:
        return spec.parse(text)
    except ValueError as exc:
        raise ConfigError(key, str(exc), raw.where) from exc


def load_config(argv: Sequence[str] = ()) -> GatewayConfig:
    """Read flags, then the XML file named by ``-cfg_file`` (if any), and
    build the configuration: flags > file > embedded defaults."""
    flags = parse_flags(argv)
    if "help" in flags and _parse_value("help", flags["help"]):
        return GatewayConfig(help=True)

    from_file: dict[str, RawValue] = {}
    extra: dict[str, str] = {}
    cfg_file = _parse_value("cfg_file", flags["cfg_file"]) if "cfg_file" in flags else None
    if cfg_file is not None:
        from_file, extra = read_xml(Path(cfg_file))
        if any(key in flags for key in LOGIN_CREDENTIALS):
            for key in LOGIN_CREDENTIALS:
                from_file.pop(key, None)

    merged = {**from_file, **flags}
    values = {key: _parse_value(key, raw) for key, raw in merged.items()}
    return GatewayConfig(**values, extra=extra)


def config_help() -> str:
    """One line per key with its default, for ``openfutu gateway -help``."""
    lines = ["usage: openfutu gateway [-cfg_file=FutuOpenD.xml] [-key=value ...]",
             "Every key below may also be an element of the XML file, except those marked (flag).",
             "Precedence: flags > XML file > defaults. An empty value means unset.", ""]
    width = max(len(key) for key in SETTINGS) + 1
    for key, spec in SETTINGS.items():
        only = " (flag)" if spec.where == FLAG_ONLY else ""
        lines.append(f"  -{key:<{width}} {spec.help}{only} [default: {spec.default_text}]")
    return "\n".join(lines)
