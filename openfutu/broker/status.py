"""Order status machine: the only legal moves between OrderStatus values.

The enum is docs L10105-L10152 (plus the SDK-only members).  The moves below
follow the life of a Futu order: SUBMITTING (what place_order returns,
docs L9139) -> SUBMITTED -> FILLED_PART -> FILLED_ALL, with cancel, disable,
delete and rejection branches.
"""

from __future__ import annotations

from openfutu.broker.enums import OrderStatus as S

_WORKING = (S.SUBMITTED, S.FILLED_PART)

TRANSITIONS: dict[S, frozenset[S]] = {
    S.UNSUBMITTED: frozenset({S.SUBMITTING, S.WAITING_SUBMIT, S.FAILED, S.DELETED}),
    S.WAITING_SUBMIT: frozenset(
        {S.SUBMITTING, S.SUBMITTED, S.CANCELLED_ALL, S.FAILED, S.DISABLED, S.DELETED, S.CANCELLING_ALL}
    ),
    S.SUBMITTING: frozenset(
        {S.SUBMITTED, S.WAITING_SUBMIT, S.SUBMIT_FAILED, S.FAILED, S.TIMEOUT, S.CANCELLING_ALL, S.CANCELLED_ALL,
         S.DELETED}
    ),
    S.TIMEOUT: frozenset({S.SUBMITTED, S.FAILED, S.CANCELLED_ALL}),
    S.SUBMITTED: frozenset(
        {S.FILLED_PART, S.FILLED_ALL, S.CANCELLING_ALL, S.CANCELLED_ALL, S.DISABLED, S.FAILED, S.DELETED}
    ),
    S.FILLED_PART: frozenset(
        {S.FILLED_PART, S.FILLED_ALL, S.CANCELLING_PART, S.CANCELLED_PART, S.DISABLED, S.FILL_CANCELLED}
    ),
    S.CANCELLING_ALL: frozenset({S.CANCELLED_ALL, S.FILLED_PART, S.FILLED_ALL, S.CANCELLING_PART}),
    S.CANCELLING_PART: frozenset({S.CANCELLED_PART, S.FILLED_ALL}),
    S.DISABLED: frozenset({S.SUBMITTED, S.FILLED_PART, S.WAITING_SUBMIT, S.CANCELLED_ALL, S.CANCELLED_PART, S.DELETED}),
    S.FILLED_ALL: frozenset({S.FILL_CANCELLED}),
    S.CANCELLED_PART: frozenset({S.FILL_CANCELLED}),
    # Terminal: nothing leaves these.
    S.CANCELLED_ALL: frozenset({S.DELETED}),
    S.FAILED: frozenset({S.DELETED}),
    S.SUBMIT_FAILED: frozenset({S.DELETED}),
    S.DELETED: frozenset(),
    S.FILL_CANCELLED: frozenset(),
    S.NONE: frozenset(),
}

#: Statuses in which an order can still trade or be acted upon.
OPEN_STATUSES = frozenset(
    {S.UNSUBMITTED, S.WAITING_SUBMIT, S.SUBMITTING, S.TIMEOUT, S.SUBMITTED, S.FILLED_PART,
     S.CANCELLING_ALL, S.CANCELLING_PART, S.DISABLED}
)
#: Statuses in which the order is live at the exchange and may fill.
MATCHABLE_STATUSES = frozenset({S.SUBMITTED, S.FILLED_PART})
FINAL_STATUSES = frozenset(set(S) - OPEN_STATUSES)


class IllegalTransition(ValueError):
    pass


def check_transition(old: S, new: S) -> None:
    """Raise IllegalTransition unless ``old -> new`` is in the table."""
    if new not in TRANSITIONS.get(old, frozenset()):
        raise IllegalTransition(f"order status cannot change from {old.name} to {new.name}")
