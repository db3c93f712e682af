"""Market clocks: real time and virtual time (driven by a fake monotonic
source, so nothing sleeps)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from openfutu.market.clock import Clock, RealClock, VirtualClock

UTC = dt.timezone.utc
START = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_real_clock_is_aware_utc() -> None:
    now = RealClock().now()
    assert now.tzinfo is not None and now.utcoffset() == dt.timedelta(0)
    assert isinstance(RealClock(), Clock)


def test_virtual_clock_runs_at_its_speed() -> None:
    mono = FakeMonotonic()
    clock = VirtualClock(START, speed=60.0, monotonic=mono)
    assert clock.now() == START and clock.now().utcoffset() == dt.timedelta(0)
    mono.t += 10  # ten real seconds = ten virtual minutes
    assert clock.now() == START + dt.timedelta(minutes=10)
    assert isinstance(clock, Clock)


def test_speed_zero_moves_only_by_api() -> None:
    mono = FakeMonotonic()
    clock = VirtualClock(START, speed=0, monotonic=mono)
    mono.t += 3600
    assert clock.now() == START
    assert clock.advance(90) == START + dt.timedelta(seconds=90)
    assert clock.advance(dt.timedelta(hours=1)) == START + dt.timedelta(hours=1, seconds=90)
    target = dt.datetime(2025, 3, 4, 1, 0, tzinfo=UTC)
    clock.set(target)
    assert clock.now() == target


def test_never_backwards() -> None:
    mono = FakeMonotonic()
    clock = VirtualClock(START, monotonic=mono)
    mono.t += 5
    with pytest.raises(ValueError):
        clock.set(START)
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.advance(dt.timedelta(seconds=-1))
    assert clock.now() == START + dt.timedelta(seconds=5)  # refused calls changed nothing
    clock.set(clock.now())  # the present is allowed


def test_pause_and_resume_keep_time() -> None:
    mono = FakeMonotonic()
    clock = VirtualClock(START, speed=2.0, monotonic=mono)
    mono.t += 10
    clock.pause()
    assert clock.paused
    mono.t += 100
    assert clock.now() == START + dt.timedelta(seconds=20)
    clock.advance(5)  # stepping works while paused
    assert clock.now() == START + dt.timedelta(seconds=25)
    clock.resume()
    mono.t += 1
    assert clock.now() == START + dt.timedelta(seconds=27)
    clock.resume()  # idempotent
    assert clock.now() == START + dt.timedelta(seconds=27)


def test_set_speed_keeps_elapsed_time() -> None:
    mono = FakeMonotonic()
    clock = VirtualClock(START, speed=1.0, monotonic=mono)
    mono.t += 10
    clock.set_speed(10.0)
    mono.t += 1
    assert clock.now() == START + dt.timedelta(seconds=20)
    with pytest.raises(ValueError):
        clock.set_speed(-1)


@pytest.mark.parametrize("bad", [dt.datetime(2025, 3, 3, 9, 30), "2025-03-03"])
def test_bad_start_is_refused(bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        VirtualClock(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("speed", [-1.0, float("nan"), float("inf")])
def test_bad_speed_is_refused(speed: float) -> None:
    with pytest.raises(ValueError):
        VirtualClock(START, speed)


def test_concurrent_advances_all_count() -> None:
    clock = VirtualClock(START, speed=0)

    def step() -> None:
        for _ in range(500):
            clock.advance(1)

    threads = [threading.Thread(target=step) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clock.now() == START + dt.timedelta(seconds=2000)


def test_gateway_builds_the_configured_clock(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openfutu.gateway.config import GatewayConfig
    from openfutu.gateway.services import clock_from_config

    config = GatewayConfig(openfutu_clock="virtual", openfutu_clock_start=START, openfutu_clock_speed=1.0,
                           openfutu_data_dir=str(tmp_path))
    clock = clock_from_config(config)
    assert isinstance(clock, VirtualClock) and clock.now() >= START
    assert isinstance(clock_from_config(GatewayConfig(openfutu_data_dir=str(tmp_path))), RealClock)
