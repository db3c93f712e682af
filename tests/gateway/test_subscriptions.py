"""Subscription quota rules (docs L1674-L1680, L12116-L12132)."""

import pytest

from openfutu.gateway.subscriptions import SubscriptionBook, SubscriptionError

QUOTE, ORDER_BOOK, TICKER = 1, 2, 4


def test_one_unit_per_code_and_subtype():
    # docs L1676 and the example at L209-L214: 3 pairs use 3 units
    book = SubscriptionBook(quota=100)
    book.subscribe(1, [("HK.00700", ORDER_BOOK), ("US.AAPL", TICKER), ("SH.600519", QUOTE)], at=0)
    assert (book.used, book.remain, book.used_by(1)) == (3, 97, 3)
    book.unsubscribe(1, [("HK.00700", ORDER_BOOK)], at=60)
    assert (book.used, book.remain) == (2, 98)


def test_unsubscribe_refused_within_a_minute():
    # docs L1678, L12118-L12122
    book = SubscriptionBook(quota=10)
    book.subscribe(1, [("HK.00700", QUOTE)], at=100)
    with pytest.raises(SubscriptionError, match="1 minute"):
        book.unsubscribe(1, [("HK.00700", QUOTE)], at=159.9)
    assert book.used == 1
    book.unsubscribe(1, [("HK.00700", QUOTE)], at=160)
    assert book.used == 0


def test_unit_shared_across_connections_is_freed_by_the_last():
    # docs L12124-L12128
    book = SubscriptionBook(quota=10)
    book.subscribe(1, [("HK.00700", ORDER_BOOK)], at=0)
    book.subscribe(2, [("HK.00700", ORDER_BOOK)], at=0)
    assert book.used == 1 and book.used_by(1) == book.used_by(2) == 1
    book.unsubscribe(1, [("HK.00700", ORDER_BOOK)], at=60)
    assert book.used == 1
    book.unsubscribe(2, [("HK.00700", ORDER_BOOK)], at=60)
    assert book.used == 0


def test_closed_connection_released_once_a_minute_old():
    # docs L12130-L12132
    book = SubscriptionBook(quota=10)
    book.subscribe(1, [("HK.00700", QUOTE)], at=0)
    book.subscribe(1, [("HK.00005", QUOTE)], at=50)
    book.connection_closed(1, at=55)
    assert book.used == 2 and book.push_targets(("HK.00700", QUOTE)) == []
    assert book.expire(at=60) == [("HK.00700", QUOTE)]
    assert book.used == 1
    assert book.expire(at=110) == [("HK.00005", QUOTE)]
    assert book.used == 0 and book.connection_ids() == []


def test_over_quota_is_refused_and_changes_nothing():
    book = SubscriptionBook(quota=2)
    book.subscribe(1, [("HK.00700", QUOTE)], at=0)
    with pytest.raises(SubscriptionError, match="quota"):
        book.subscribe(1, [("HK.00005", QUOTE), ("HK.00006", QUOTE)], at=0)
    assert book.used == 1 and book.used_by(1) == 1
    # a unit another connection already holds costs nothing more
    book.subscribe(2, [("HK.00700", QUOTE), ("HK.00005", QUOTE)], at=0)
    assert book.used == 2


def test_sf_order_book_cap_of_50():
    # docs L1679: 50 HK order books; other types still use the quota
    book = SubscriptionBook(quota=1000, hk_order_book_cap=50)
    book.subscribe(1, [(f"HK.{i:05d}", ORDER_BOOK) for i in range(50)], at=0)
    with pytest.raises(SubscriptionError, match="50"):
        book.subscribe(1, [("HK.09999", ORDER_BOOK)], at=0)
    book.subscribe(1, [("HK.09999", TICKER), ("US.AAPL", ORDER_BOOK)], at=0)
    assert book.used == 52


def test_push_registration_and_resubscribe_keeps_age():
    book = SubscriptionBook(quota=10)
    assert book.subscribe(1, [("HK.00700", QUOTE)], at=0, push=False) == [("HK.00700", QUOTE)]
    assert book.push_targets(("HK.00700", QUOTE)) == []
    assert book.subscribe(1, [("HK.00700", QUOTE)], at=30, push=True) == []
    assert book.push_targets(("HK.00700", QUOTE)) == [1]
    book.unsubscribe(1, [("HK.00700", QUOTE)], at=60)  # age counted from t=0


def test_sf_order_books_capped_at_50_whatever_the_quota():
    # docs L1679: SF (order-detail) HK books, at most 50 at once
    book = SubscriptionBook(quota=1000)
    keys = [(f"HK.{i:05d}", ORDER_BOOK) for i in range(50)]
    book.subscribe(1, keys, at=0, detailed_order_book=True)
    with pytest.raises(SubscriptionError, match="50"):
        book.subscribe(2, [("HK.09999", ORDER_BOOK)], at=0, detailed_order_book=True)
    assert book.used == 50
    # a detailed hold of a book already counted does not add to the cap
    book.subscribe(2, [("HK.00001", ORDER_BOOK)], at=0, detailed_order_book=True)
    # plain books and US books are not SF books
    book.subscribe(2, [("HK.09999", ORDER_BOOK), ("US.AAPL", ORDER_BOOK)], at=0)
    book.subscribe(2, [("US.TSLA", ORDER_BOOK)], at=0, detailed_order_book=True)
    assert book.used == 53


def test_version_and_pushing_holdings_follow_changes():
    book = SubscriptionBook(quota=10)
    v0 = book.version
    book.subscribe(1, [("HK.00700", QUOTE)], at=0)
    book.subscribe(2, [("HK.00700", QUOTE)], at=0, push=False)
    assert book.version > v0
    assert [len(h) for h in book.pushing_holdings().values()] == [1]
    v1 = book.version
    book.set_push(2, [("HK.00700", QUOTE)], True, rehab_types=(2,))
    assert book.version > v1
    assert book.holding(2, ("HK.00700", QUOTE)).rehab_types == (2,)
    assert len(book.pushing_holdings()[("HK.00700", QUOTE)]) == 2
    book.connection_closed(1, at=1)
    assert book.is_closed(1) and len(book.pushing_holdings()[("HK.00700", QUOTE)]) == 1
