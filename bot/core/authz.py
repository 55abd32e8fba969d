"""Who may do what: assign, change user links, answer a confirmation, read the history.

Pure: the caller looks up what needs Slack (user group membership) and hands the answer in,
so every rule here is a plain function a table test can cover.

Assigning: with no `ASSIGN_ALLOWED_*` setting, everyone in the workspace may. Allowed users and
allowed groups together say *who* may (either is enough); allowed channels say *where*. When
both are set, both must hold. Admins may always, anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Refusal(StrEnum):
    """Why someone may not assign, so the answer can say how to get access."""

    CHANNEL = "channel"  # not from one of the allowed channels
    USER = "user"  # neither an allowed user nor a member of an allowed group


@dataclass(frozen=True)
class AccessPolicy:
    """The access settings, as one value the service consults."""

    admins: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    allow_self_link: bool = False

    @property
    def open_to_everyone(self) -> bool:
        return not (self.users or self.groups or self.channels)

    def is_admin(self, user_id: str) -> bool:
        return bool(user_id) and user_id in self.admins

    def needs_groups(self, user_id: str, channel_id: str) -> bool:
        """True when the answer depends on the user's group memberships (worth a lookup)."""
        return (
            bool(self.groups)
            and not self.is_admin(user_id)
            and self._channel_ok(channel_id)
            and user_id not in self.users
        )

    def assign_refusal(
        self, user_id: str, channel_id: str, member_of: frozenset[str] = frozenset()
    ) -> Refusal | None:
        """None when `user_id` may assign from `channel_id`; else why not.

        `member_of` holds the allowed groups the user belongs to (only consulted when
        `needs_groups` said so).
        """
        if self.is_admin(user_id):
            return None
        if not self._channel_ok(channel_id):
            return Refusal.CHANNEL
        if not (self.users or self.groups):
            return None
        if user_id and (user_id in self.users or member_of & self.groups):
            return None
        return Refusal.USER

    def may_link(self, actor_id: str, target_id: str) -> bool:
        """Admins link anyone; with self-linking on, a user may link (or unlink) only themself."""
        return self.is_admin(actor_id) or (
            self.allow_self_link and bool(actor_id) and actor_id == target_id
        )

    def may_answer(self, clicker_id: str, requester_id: str) -> bool:
        """Confirm, cancel or retry: the requester, or an admin standing in for them."""
        return (bool(clicker_id) and clicker_id == requester_id) or self.is_admin(clicker_id)

    def may_read_history(self, user_id: str) -> bool:
        return self.is_admin(user_id)

    def _channel_ok(self, channel_id: str) -> bool:
        return not self.channels or channel_id in self.channels
