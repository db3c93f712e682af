"""openfutu: a self-hosted Futu OpenAPI gateway and a drop-in SDK.

``from openfutu import *`` gives the futu-api names (contexts, handlers,
SysConfig, constants)."""

from openfutu.client import *  # noqa: F401,F403
from openfutu.client import __all__ as _client_all

__all__ = list(_client_all)
