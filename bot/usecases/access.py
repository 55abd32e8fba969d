"""Who may do what: assign from a channel, answer a confirmation, link people, read history.

The rules are `bot.core.authz.AccessPolicy`; this adds what needs the outside world (the
members of the allowed Slack user groups) and logs each refusal.
"""

from __future__ import annotations

import logging

from bot.core.authz import AccessPolicy, Refusal
from bot.core.requester import Requester
from bot.usecases.ports import GroupDirectory, GroupsUnavailable
from bot.usecases.refusals import NotAdmin, NotAllowed, NotRequester

log = logging.getLogger(__name__)


class Access:
    def __init__(self, policy: AccessPolicy, groups: GroupDirectory | None = None) -> None:
        self.policy = policy
        self.groups = groups

    @property
    def admins(self) -> frozenset[str]:
        return self.policy.admins

    async def check_may_assign(self, requester: Requester) -> None:
        """Raise NotAllowed unless the requester may assign from their channel.

        Every surface comes through `Assigning.prepare`, which calls this first; a surface may
        also call it early (before opening a form) to refuse before any typing.
        """
        policy = self.policy
        member_of: frozenset[str] = frozenset()
        if policy.needs_groups(requester.user_id, requester.channel_id):
            try:
                member_of = await self._allowed_groups_of(requester)
            except GroupsUnavailable:
                log.warning("could not read the allowed user groups; refusing for now")
                raise NotAllowed(Refusal.USER, policy, groups_unchecked=True) from None
        refusal = policy.assign_refusal(requester.user_id, requester.channel_id, member_of)
        if refusal is not None:
            log.info(
                "refused to let %s assign in %s: %s",
                requester.user_id,
                requester.channel_id,
                refusal.value,
            )
            raise NotAllowed(refusal, policy)

    async def _allowed_groups_of(self, requester: Requester) -> frozenset[str]:
        """The allowed groups the requester belongs to (members are cached by the directory).

        An org-wide install's token reads groups of the workspace the request came from.
        """
        if self.groups is None:
            raise GroupsUnavailable("no group directory is configured")
        team_id = requester.team_id if requester.enterprise_id else None
        found: set[str] = set()
        for group in sorted(self.policy.groups):
            if requester.user_id in await self.groups.members(group, team_id):
                found.add(group)
        return frozenset(found)

    def check_may_answer(
        self, actor_id: str, requester_id: str, action: str = "answer this confirmation"
    ) -> None:
        """Confirm, cancel, retry or undo: raise NotRequester unless the requester or an admin.

        Checked on the server when the click arrives: hiding buttons proves nothing.
        """
        if not self.policy.may_answer(actor_id, requester_id):
            log.info("refused to let %s %s of %s", actor_id, action, requester_id)
            raise NotRequester(requester_id, action=action)

    def check_may_link(self, actor_id: str, slack_user_id: str) -> None:
        if not self.policy.may_link(actor_id, slack_user_id):
            raise NotAdmin(self.admins, self_link=self.policy.allow_self_link)

    def check_may_read_history(self, actor_id: str) -> None:
        if not self.policy.may_read_history(actor_id):
            raise NotAdmin(self.admins, action="see the assignment history")
