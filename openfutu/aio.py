"""The async face of the SDK: ``from openfutu.aio import AsyncQuoteContext``.

Every OpenQuoteContext method is awaitable here, pushes come as async
iterators (``ctx.pushes(HandlerClass)``, ``ctx.quotes(codes)``) and
``records(frame)`` gives typed rows instead of a DataFrame."""

from openfutu.client.aio import AsyncContextBase, AsyncQuoteContext, records

__all__ = ["AsyncContextBase", "AsyncQuoteContext", "records"]
