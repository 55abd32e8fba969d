"""Who may assign, link, answer and read the history: the policy as tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.authz import AccessPolicy, Refusal

ADMIN = "UADMIN"
OPEN = AccessPolicy(admins=frozenset({ADMIN}))
USERS = AccessPolicy(admins=frozenset({ADMIN}), users=frozenset({"UOK"}))
GROUPS = AccessPolicy(admins=frozenset({ADMIN}), groups=frozenset({"leads"}))
CHANNELS = AccessPolicy(admins=frozenset({ADMIN}), channels=frozenset({"CGOOD"}))
BOTH = AccessPolicy(
    admins=frozenset({ADMIN}),
    users=frozenset({"UOK"}),
    groups=frozenset({"leads"}),
    channels=frozenset({"CGOOD"}),
)


@pytest.mark.parametrize(
    ("policy", "user", "channel", "member_of", "expected"),
    [
        # unset: everyone, anywhere
        (OPEN, "UANY", "CANY", frozenset(), None),
        (AccessPolicy(), "UANY", "CANY", frozenset(), None),
        # allowed users
        (USERS, "UOK", "CANY", frozenset(), None),
        (USERS, "UNO", "CANY", frozenset(), Refusal.USER),
        (USERS, ADMIN, "CANY", frozenset(), None),
        (USERS, "", "CANY", frozenset(), Refusal.USER),
        # allowed groups: membership of one allowed group is enough
        (GROUPS, "UNO", "CANY", frozenset(), Refusal.USER),
        (GROUPS, "UIN", "CANY", frozenset({"leads"}), None),
        (GROUPS, "UIN", "CANY", frozenset({"other"}), Refusal.USER),
        # allowed channels restrict where, for everyone but admins
        (CHANNELS, "UANY", "CGOOD", frozenset(), None),
        (CHANNELS, "UANY", "CBAD", frozenset(), Refusal.CHANNEL),
        (CHANNELS, ADMIN, "CBAD", frozenset(), None),
        # who and where together: both must hold
        (BOTH, "UOK", "CGOOD", frozenset(), None),
        (BOTH, "UIN", "CGOOD", frozenset({"leads"}), None),
        (BOTH, "UOK", "CBAD", frozenset(), Refusal.CHANNEL),
        (BOTH, "UNO", "CGOOD", frozenset(), Refusal.USER),
        (BOTH, "UNO", "CBAD", frozenset(), Refusal.CHANNEL),
        (BOTH, ADMIN, "CBAD", frozenset(), None),
    ],
)
def test_who_may_assign(
    policy: AccessPolicy,
    user: str,
    channel: str,
    member_of: frozenset[str],
    expected: Refusal | None,
) -> None:
    assert policy.assign_refusal(user, channel, member_of) == expected


@pytest.mark.parametrize(
    ("policy", "user", "channel", "needed"),
    [
        (OPEN, "U1", "C1", False),
        (USERS, "U1", "C1", False),
        (GROUPS, "U1", "C1", True),
        (GROUPS, ADMIN, "C1", False),  # admins need no look-up
        (BOTH, "UOK", "CGOOD", False),  # allowed by name already
        (BOTH, "U1", "CBAD", False),  # refused by channel already
        (BOTH, "U1", "CGOOD", True),
    ],
)
def test_group_lookups_only_when_they_decide(
    policy: AccessPolicy, user: str, channel: str, needed: bool
) -> None:
    assert policy.needs_groups(user, channel) is needed


@pytest.mark.parametrize(
    ("self_link", "actor", "target", "allowed"),
    [
        (False, ADMIN, "UA", True),
        (False, ADMIN, ADMIN, True),
        (False, "UA", "UA", False),
        (False, "UA", "UB", False),
        (True, "UA", "UA", True),
        (True, "UA", "UB", False),
        (True, ADMIN, "UB", True),
        (True, "", "", False),
    ],
)
def test_who_may_link(self_link: bool, actor: str, target: str, allowed: bool) -> None:
    policy = AccessPolicy(admins=frozenset({ADMIN}), allow_self_link=self_link)
    assert policy.may_link(actor, target) is allowed


@pytest.mark.parametrize(
    ("clicker", "requester", "allowed"),
    [
        ("ULEAD", "ULEAD", True),
        (ADMIN, "ULEAD", True),
        ("UBOB", "ULEAD", False),
        ("", "", False),
        ("", "ULEAD", False),
    ],
)
def test_who_may_answer_a_confirmation(clicker: str, requester: str, allowed: bool) -> None:
    assert OPEN.may_answer(clicker, requester) is allowed


def test_history_is_for_admins() -> None:
    assert OPEN.may_read_history(ADMIN)
    assert not OPEN.may_read_history("ULEAD")
    assert not AccessPolicy().may_read_history("")


ids = st.text(alphabet="UCSABX0123", max_size=4)


@given(
    admins=st.frozensets(ids, max_size=3),
    users=st.frozensets(ids, max_size=3),
    groups=st.frozensets(ids, max_size=3),
    channels=st.frozensets(ids, max_size=3),
    user=ids,
    channel=ids,
    member_of=st.frozensets(ids, max_size=3),
)
def test_admins_always_may_and_nobody_else_outside_the_rules(
    admins: frozenset[str],
    users: frozenset[str],
    groups: frozenset[str],
    channels: frozenset[str],
    user: str,
    channel: str,
    member_of: frozenset[str],
) -> None:
    policy = AccessPolicy(admins=admins, users=users, groups=groups, channels=channels)
    refusal = policy.assign_refusal(user, channel, member_of)
    if user and user in admins:
        assert refusal is None
    elif refusal is None:
        assert not channels or channel in channels
        assert not (users or groups) or user in users or member_of & groups
