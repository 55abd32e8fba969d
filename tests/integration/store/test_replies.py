"""response_url uses: Slack takes 5 posts on one; progress gets 4, the result the last."""

from __future__ import annotations

import asyncio

from bot.store import Store
from bot.store.replies import ResponseUrlUses

URL = "https://hooks.slack.com/actions/T1/123/secret"


def uses_of(store: Store) -> ResponseUrlUses:
    return ResponseUrlUses(store.redis, store.key)


async def test_progress_gets_four_uses_and_the_result_the_fifth(store: Store) -> None:
    uses = uses_of(store)
    taken = []
    for _ in range(5):
        taken.append(await uses.take(URL, final=False))
        await uses.settle(URL)
    assert taken == [1, 2, 3, 4, 0]
    assert await uses.take(URL, final=True) == 5
    await uses.settle(URL)
    assert await uses.take(URL, final=True) == 0


async def test_a_post_waits_for_the_one_before_it_to_be_over(store: Store) -> None:
    uses = uses_of(store)
    assert await uses.take(URL, final=False) == 1  # posting, not over yet
    second = asyncio.create_task(uses.take(URL, final=True, at_most=5.0))
    await asyncio.sleep(0.2)
    assert not second.done(), "the result must not land before the post counted before it"
    await uses.settle(URL)
    assert await asyncio.wait_for(second, timeout=2) == 2


async def test_the_url_itself_is_not_kept(store: Store) -> None:
    """A response_url is a credential for 30 minutes: keyed by its hash."""
    await uses_of(store).take(URL, final=False)
    keys = [key async for key in store.redis.scan_iter(match=f"{store.prefix}*")]
    assert keys and not any("secret" in key or "hooks" in key for key in keys)
