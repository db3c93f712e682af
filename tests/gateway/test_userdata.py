"""Watchlists, price reminders and the history K-line quota, durable."""

import pytest

from openfutu.gateway.userdata import (
    HISTORY_KL_WINDOW_SECONDS,
    GroupType,
    PriceReminder,
    ReminderOp,
    ReminderType,
    UserDataError,
    UserDataStore,
    WatchlistOp,
    reminder_value_floor,
)

DAY = 86400.0


@pytest.fixture
def store(tmp_path):
    s = UserDataStore(tmp_path / "user.sqlite3", custom_groups=("Tech", "Banks"))
    yield s
    s.close()


def test_system_groups_cannot_be_modified(store):
    # docs L5462-L5467: only custom groups
    with pytest.raises(UserDataError, match="custom"):
        store.modify_group("HK", WatchlistOp.ADD, ["HK.00700"], all_cap=500)
    names = [n for n, t in store.groups(GroupType.ALL)]
    assert "Starred" in names and "Tech" in names
    assert [n for n, _ in store.groups(GroupType.CUSTOM)] == ["Tech", "Banks"]


def test_add_move_out_and_delete(store):
    store.modify_group("Tech", WatchlistOp.ADD, ["HK.00700", "US.AAPL"], all_cap=500)
    store.modify_group("Banks", WatchlistOp.ADD, ["HK.00005", "HK.00700"], all_cap=500)
    assert store.group_codes("Tech") == ["HK.00700", "US.AAPL"]
    assert store.all_codes() == ["HK.00700", "US.AAPL", "HK.00005"]
    store.modify_group("Banks", WatchlistOp.MOVE_OUT, ["HK.00700"], all_cap=500)
    assert store.group_codes("Banks") == ["HK.00005"] and "HK.00700" in store.all_codes()
    store.modify_group("Banks", WatchlistOp.DEL, ["HK.00700"], all_cap=500)
    assert "HK.00700" not in store.all_codes() and store.group_codes("Tech") == ["US.AAPL"]


def test_all_list_cap_refuses_and_changes_nothing(store):
    # docs L5464: 500 for users who never traded
    store.modify_group("Tech", WatchlistOp.ADD, [f"HK.{i:05d}" for i in range(499)], all_cap=500)
    with pytest.raises(UserDataError, match="500"):
        store.modify_group("Banks", WatchlistOp.ADD, ["US.AAPL", "US.TSLA"], all_cap=500)
    assert len(store.all_codes()) == 499 and store.group_codes("Banks") == []


def test_unknown_group(store):
    with pytest.raises(UserDataError, match="unknown"):
        store.modify_group("Nope", WatchlistOp.ADD, ["HK.00700"], all_cap=500)


def test_watchlists_survive_restart(tmp_path):
    path = tmp_path / "u.sqlite3"
    first = UserDataStore(path, custom_groups=("Tech",))
    first.modify_group("Tech", WatchlistOp.ADD, ["HK.00700"], all_cap=500)
    first.close()
    second = UserDataStore(path)
    assert second.group_codes("Tech") == ["HK.00700"]
    second.close()


def reminder(rtype=ReminderType.PRICE_UP, value=400.0, note="n"):
    return PriceReminder(0, "HK.00700", rtype, 1, value, note, True, [1])


def test_reminder_lifecycle(store):
    key = store.set_reminder("HK.00700", ReminderOp.ADD, None, reminder(), new_key=11)
    assert key == 11
    store.set_reminder("HK.00700", ReminderOp.DISABLE, 11, None, new_key=0)
    assert store.reminders()[0].enabled is False
    store.set_reminder("HK.00700", ReminderOp.MODIFY, 11, reminder(value=420.0), new_key=0)
    assert store.reminders()[0].value == 420.0
    store.set_reminder("HK.00700", ReminderOp.DEL, 11, None, new_key=0)
    assert store.reminders() == []
    with pytest.raises(UserDataError):
        store.set_reminder("HK.00700", ReminderOp.DEL, 11, None, new_key=0)


def test_ten_reminders_per_type_per_security(store):
    # docs L5158
    for key in range(10):
        store.set_reminder("HK.00700", ReminderOp.ADD, None, reminder(), new_key=key + 1)
    with pytest.raises(UserDataError, match="10"):
        store.set_reminder("HK.00700", ReminderOp.ADD, None, reminder(), new_key=99)
    store.set_reminder("HK.00700", ReminderOp.ADD, None, reminder(ReminderType.PRICE_DOWN), new_key=100)


def test_reminder_note_limit(store):
    # docs L5079: at most 20 characters
    with pytest.raises(UserDataError, match="20"):
        store.set_reminder("HK.00700", ReminderOp.ADD, None, reminder(note="x" * 21), new_key=1)
    assert store.reminders() == []


def test_reminder_precision_floor():
    # docs L5147-L5153
    assert reminder_value_floor(ReminderType.TURNOVER_UP, 102, False) == 100
    assert reminder_value_floor(ReminderType.TURNOVER_UP, 8, False) == 0
    assert reminder_value_floor(ReminderType.VOLUME_UP, 1999, True) == 1000
    assert reminder_value_floor(ReminderType.VOLUME_UP, 19, False) == 10
    assert reminder_value_floor(ReminderType.BID_VOL_UP, 250, True) == 200
    assert reminder_value_floor(ReminderType.PRICE_UP, 1.23456, False) == 1.234


def test_history_kline_quota_30_day_rule(store):
    # docs L216-L220: one unit per distinct security per 30 days
    t0 = 1_700_000_000.0
    assert store.charge_history_kline("HK.00700", t0, quota=2)
    assert store.charge_history_kline("HK.00700", t0 + DAY, quota=2)  # repeat: free
    assert store.charge_history_kline("US.AAPL", t0 + DAY, quota=2)
    assert not store.charge_history_kline("SH.600519", t0 + 2 * DAY, quota=2)
    assert len(store.quota_uses(t0 + 2 * DAY)) == 2
    # the first unit is released 30 days after it was taken
    later = t0 + HISTORY_KL_WINDOW_SECONDS + 1
    assert store.charge_history_kline("SH.600519", later, quota=2)
    assert [u.code for u in store.quota_uses(later)] == ["US.AAPL", "SH.600519"]


def test_foreign_file_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserDataError, match="not an openfutu"):
        UserDataStore(path)
