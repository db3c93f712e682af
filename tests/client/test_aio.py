"""The async API on the same core."""

from __future__ import annotations

import asyncio

from openfutu.client import RET_OK, StockQuoteHandlerBase, SubType
from openfutu.client.aio import AsyncQuoteContext, records
from openfutu.gateway.testing import InProcessGateway

from .fake_gateway import FakeGateway
from .test_context import basic_qot, ok_sub


def test_async_requests_pushes_and_records() -> None:
    with FakeGateway() as gw:
        gw.replies[3001] = ok_sub

        async def main() -> None:
            async with AsyncQuoteContext(port=gw.port) as ctx:
                assert await ctx.subscribe(["HK.00700"], [SubType.QUOTE]) == (RET_OK, None)
                stream = ctx.pushes(StockQuoteHandlerBase)
                first = asyncio.ensure_future(stream.__anext__())
                await asyncio.sleep(0.05)  # the iterator is registered
                gw.push_all(3005, basic_qot("00700", 401.0))
                ret, frame = await asyncio.wait_for(first, 5)
                assert ret == RET_OK
                (rec,) = records(frame)
                assert rec.code == "HK.00700" and rec.last_price == 401.0
                await stream.aclose()

        asyncio.run(main())


def test_async_global_state_against_the_gateway() -> None:
    gw = InProcessGateway().start()
    try:
        async def main() -> None:
            async with AsyncQuoteContext(port=gw.port) as ctx:
                ret, state = await ctx.get_global_state()
                assert ret == RET_OK and state["qot_logined"] in (True, False)
                assert state["market_hk"] != "N/A"

        asyncio.run(main())
    finally:
        gw.stop()


def test_quotes_iterator_yields_typed_records_without_dataframes() -> None:
    with FakeGateway() as gw:
        gw.replies[3001] = ok_sub

        async def main() -> None:
            async with AsyncQuoteContext(port=gw.port) as ctx:
                stream = ctx.quotes(["HK.00700"])
                first = asyncio.ensure_future(stream.__anext__())
                await asyncio.sleep(0.05)
                gw.push_all(3005, basic_qot("00700", 402.5))
                record = await asyncio.wait_for(first, 5)
                assert (record.code, record.last_price) == ("HK.00700", 402.5)
                await stream.aclose()
            (sub_req,) = [r for p, r in gw.requests if p == 3001]
            assert list(sub_req.c2s.subTypeList) == [1]  # SubType.QUOTE

        asyncio.run(main())


def test_openfutu_aio_module_exposes_the_async_api() -> None:
    import openfutu.aio as aio

    assert aio.AsyncQuoteContext is AsyncQuoteContext and aio.records is records
    for name in ("get_market_snapshot", "request_history_kline", "get_stock_filter",
                 "get_warrant", "get_broker_queue", "query_subscription", "unsubscribe_all"):
        assert asyncio.iscoroutinefunction(getattr(AsyncQuoteContext, name)), name


def test_typed_push_records_equal_the_handler_frames() -> None:
    """The typed path gives the DataFrame path's rows, value for value."""
    import openfutu.client as of
    from openfutu.client.aio import PUSH_ROWS, _record_type
    from openfutu.client.context import HANDLER_PROTOS

    from .test_handlers import PUSHES

    for name, build, _ in PUSHES:
        handler_class = getattr(of, name)
        proto_id = HANDLER_PROTOS[handler_class]
        if proto_id not in PUSH_ROWS:
            continue
        msg = build()
        ret, frame = handler_class().on_recv_rsp(msg)
        assert ret == RET_OK
        typed = [_record_type(tuple(v))(*v.values()) for v in PUSH_ROWS[proto_id](msg.s2c)]
        assert typed == records(frame), name
        assert typed and typed[0]._fields == tuple(frame.columns)


def test_typed_pushes_over_the_wire() -> None:
    from openfutu.client import TickerHandlerBase
    from openfutu.protocol.pb import Qot_UpdateTicker_pb2

    from .test_handlers import convert
    from .test_quote_pulls import ticker_reply

    with FakeGateway() as gw:
        async def main() -> None:
            async with AsyncQuoteContext(port=gw.port) as ctx:
                stream = ctx.typed_pushes(TickerHandlerBase)
                first = asyncio.ensure_future(stream.__anext__())
                await asyncio.sleep(0.05)
                gw.push_all(3011, convert(ticker_reply, "Qot_GetTicker", Qot_UpdateTicker_pb2,
                                          maxRetNum=3))
                tick = await asyncio.wait_for(first, 5)
                assert (tick.code, tick.price, tick.sequence) == ("HK.00700", 400.0, 100)
                second = await asyncio.wait_for(stream.__anext__(), 5)
                assert second.sequence == 101 and second.ticker_direction != "N/A"
                await stream.aclose()

        asyncio.run(main())
