"""Command line: ``openfutu gateway [-key=value ...]`` starts the gateway.

Flags are OpenD's (``-cfg_file=FutuOpenD.xml``, ``-api_port=11111``, ...)
plus our ``-openfutu_*`` settings; ``openfutu gateway -help`` lists them.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Sequence

LOG_LEVELS = {
    "no": logging.CRITICAL + 10,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "fatal": logging.CRITICAL,
}

USAGE = "usage: openfutu gateway [-cfg_file=PATH] [-key=value ...]   (openfutu gateway -help)"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args and not args[0].startswith("-") else "gateway"
    if command != "gateway":
        print(USAGE, file=sys.stderr)
        return 2
    return run_gateway(args)


def run_gateway(flags: Sequence[str]) -> int:
    from openfutu.gateway.config import ConfigError, config_help, load_config

    try:
        config = load_config(flags)
    except ConfigError as exc:
        print(f"openfutu: configuration error: {exc}", file=sys.stderr)
        return 2
    if config.help:
        print(config_help())
        return 0
    logging.basicConfig(
        level=LOG_LEVELS.get(config.log_level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from openfutu.gateway.server import Gateway

    try:
        asyncio.run(Gateway(config).serve_forever())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"openfutu: cannot listen on {config.ip}:{config.api_port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
