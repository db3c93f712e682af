"""Dispatch by proto ID: a registry of request handlers.

A handler takes the request's ``c2s`` message and returns the response's
``s2c`` message (or None when the protocol returns nothing). A documented
failure is raised as ``ApiError`` and becomes ``retType``/``retMsg``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Awaitable, Callable

if TYPE_CHECKING:  # pragma: no cover
    from .server import Gateway
    from .session import ClientSession


class RetType(IntEnum):
    """Common.RetType."""

    SUCCEED = 0
    FAILED = -1
    TIMEOUT = -100
    DISCONNECT = -200
    UNKNOWN = -400
    INVALID = -500


class ApiError(Exception):
    """A request failed in a documented way."""

    def __init__(self, message: str, ret_type: int = RetType.FAILED, err_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.ret_type = ret_type
        self.err_code = err_code


@dataclass(slots=True)
class RequestContext:
    gateway: "Gateway"
    session: "ClientSession"
    proto_id: int
    serial_no: int
    proto_fmt: int


Handler = Callable[[RequestContext, Any], "Any | Awaitable[Any]"]


@dataclass(frozen=True, slots=True)
class Route:
    proto_id: int
    handler: Handler
    is_async: bool


def is_trading_protocol(proto_id: int) -> bool:
    """Trd_* protocols use IDs 2000-2999."""
    return 2000 <= proto_id < 3000


ROUTES: dict[int, Route] = {}


def handles(proto_id: int) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the handler of ``proto_id`` (once)."""

    def register(fn: Handler) -> Handler:
        if proto_id in ROUTES:
            raise ValueError(f"proto {proto_id} already has a handler")
        ROUTES[proto_id] = Route(proto_id, fn, inspect.iscoroutinefunction(fn))
        return fn

    return register
