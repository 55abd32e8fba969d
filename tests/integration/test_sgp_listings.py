"""The paged listings against the fake platform over real HTTP: users, an evaluation's tasks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.core.tasks import TaskStatus
from bot.fakes.sgp_server import DEFAULT_API_KEY, FakeSGP
from bot.sgp.client import SGPClient
from bot.sgp.errors import AuthenticationError, NotFoundError, UnexpectedResponseError
from tests.fakes.server import ServerThread, SwappableApp

EVAL = "eval_1"
ORG = "org_fake"


@pytest.fixture
async def client(
    swappable: tuple[SwappableApp, ServerThread], fake: FakeSGP
) -> AsyncIterator[SGPClient]:
    async def no_sleep(_: float) -> None:
        return None

    sgp = SGPClient(base_url=swappable[1].url, api_key=DEFAULT_API_KEY, sleep=no_sleep)
    yield sgp
    await sgp.aclose()


def users(count: int) -> list[dict[str, Any]]:
    return [{"id": f"user_{i}", "email": f"person{i}@example.com"} for i in range(count)]


# --- organization users -------------------------------------------------------------------


async def test_users_are_read_across_pages(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_org_users(*users(7))

    found = await client.list_organization_users(ORG, page_size=3)

    assert [u.id for u in found] == [f"user_{i}" for i in range(7)]
    assert found[0].email == "person0@example.com"
    calls = fake.listing_calls("org-users")
    assert [(c.query["page"], c.query["limit"]) for c in calls] == [
        ("1", "3"),
        ("2", "3"),
        ("3", "3"),
    ]
    assert all(c.headers["x-api-key"] == DEFAULT_API_KEY for c in calls)


async def test_an_exact_multiple_of_the_page_size_stops_at_the_count(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_org_users(*users(6))

    found = await client.list_organization_users(ORG, page_size=3)

    assert len(found) == 6
    assert len(fake.listing_calls("org-users")) == 2  # no third, empty page


async def test_a_platform_that_caps_the_page_size_is_still_read_to_the_end(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_org_users(*users(5))
    fake.page_cap = 2  # asks for 1000, gets 2 a page

    found = await client.list_organization_users(ORG)

    assert [u.id for u in found] == [f"user_{i}" for i in range(5)]
    assert len(fake.listing_calls("org-users")) == 3


async def test_no_users_is_one_request(fake: FakeSGP, client: SGPClient) -> None:
    assert await client.list_organization_users(ORG) == []
    assert len(fake.listing_calls("org-users")) == 1


async def test_users_of_another_organization_are_not_found(
    fake: FakeSGP, client: SGPClient
) -> None:
    with pytest.raises(NotFoundError):
        await client.list_organization_users("org_other")


async def test_page_size_is_bounded(client: SGPClient) -> None:
    with pytest.raises(ValueError, match="page_size"):
        await client.list_organization_users(ORG, page_size=10_001)
    with pytest.raises(ValueError, match="page_size"):
        await client.list_organization_users(ORG, page_size=0)


async def test_listings_retry_like_batch_assign(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_org_users(*users(2))
    fake.fail_next(503, route="org-users")

    found = await client.list_organization_users(ORG)

    assert len(found) == 2
    assert len(fake.listing_calls("org-users")) == 2


async def test_wrong_key_is_an_authentication_error(
    swappable: tuple[SwappableApp, ServerThread], fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    async with SGPClient(base_url=swappable[1].url, api_key="wrong-key-123") as sgp:
        with pytest.raises(AuthenticationError):
            await sgp.list_organization_users(ORG)
        with pytest.raises(AuthenticationError):
            await sgp.list_evaluation_tasks(EVAL)


def test_the_fake_refuses_bad_paging_like_fastapi(
    swappable: tuple[SwappableApp, ServerThread], fake: FakeSGP
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    url = f"{swappable[1].url}/v4/evaluations/{EVAL}/test-case-results"
    headers = {"x-api-key": DEFAULT_API_KEY}
    for query, loc in [
        ({"page": "0"}, "page"),
        ({"limit": "10001"}, "limit"),
        ({"page": "x"}, "page"),
    ]:
        answer = httpx.get(url, params=query, headers=headers)
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["query", loc]
    unauthenticated = httpx.get(url)
    assert unauthenticated.status_code == 401


# --- an evaluation's tasks ----------------------------------------------------------------


async def test_tasks_are_read_across_pages_in_the_platforms_order(
    fake: FakeSGP, client: SGPClient
) -> None:
    ids = [f"t{i}" for i in range(10)]
    fake.add_tasks(EVAL, ids)

    tasks = await client.list_evaluation_tasks(EVAL, page_size=4)

    assert [t.id for t in tasks] == ids
    assert all(t.status == TaskStatus.PENDING and t.assignee_id is None for t in tasks)
    calls = fake.listing_calls("test-case-results")
    assert sorted(c.query["page"] for c in calls) == ["1", "2", "3"]  # 2 and 3 read together
    assert all(c.query["view"] == "Task" for c in calls)


async def test_the_pages_a_count_implies_are_read_ahead_together_and_handed_over_in_order(
    fake: FakeSGP, client: SGPClient
) -> None:
    ids = [f"t{i:02d}" for i in range(40)]
    fake.add_tasks(EVAL, ids)
    fake.latency_per_request = 0.05

    pages = [[t.id for t in page] async for page in client.evaluation_task_pages(EVAL, page_size=4)]

    assert pages == [ids[i : i + 4] for i in range(0, 40, 4)]
    assert len(fake.listing_calls("test-case-results")) == 10  # none past the count
    assert 1 < fake.max_in_flight <= client.concurrency


async def test_a_reader_that_stops_early_leaves_the_rest_of_the_evaluation_unread(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks(EVAL, [f"t{i:02d}" for i in range(80)])
    fake.latency_per_request = 0.05
    pages = client.evaluation_task_pages(EVAL, page_size=4)  # 20 pages

    assert len(await anext(pages)) == 4
    assert len(await anext(pages)) == 4
    await pages.aclose()

    # page 1, then at most `concurrency` pages ahead of the one handed over
    assert len(fake.listing_calls("test-case-results")) <= 2 + client.concurrency


async def test_assignees_are_user_objects_or_bare_ids(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_org_users({"id": "user_a", "email": "a@example.com", "first_name": "Ada"})
    fake.add_tasks(EVAL, ["t1"], assigned_to="user_a")
    fake.add_tasks(EVAL, ["t2"], assigned_to="user_gone")
    fake.add_tasks(EVAL, ["t3"], status="COMPLETED", priority=7)

    t1, t2, t3 = await client.list_evaluation_tasks(EVAL)

    assert t1.assignee_id == "user_a"
    assert t2.assignee_id == "user_gone"
    assert t3.assignee_id is None and t3.status == TaskStatus.COMPLETED and t3.priority == 7


async def test_unknown_statuses_and_odd_items_do_not_break_the_listing(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks(EVAL, ["t1"], status="ON_HOLD", task_type="SOMETHING_NEW")
    tasks = await client.list_evaluation_tasks(EVAL)
    assert tasks[0].status == "ON_HOLD" and tasks[0].task_type == "SOMETHING_NEW"


async def test_an_unknown_evaluation_is_not_found(client: SGPClient) -> None:
    with pytest.raises(NotFoundError) as raised:
        await client.list_evaluation_tasks("eval_missing")
    assert "eval_missing" in str(raised.value)


async def test_a_body_that_is_no_page_is_unexpected(fake: FakeSGP, client: SGPClient) -> None:
    fake.add_evaluation(EVAL)
    fake.fail_next(200, body=["not", "a", "page"], route="test-case-results")
    with pytest.raises(UnexpectedResponseError):
        await client.list_evaluation_tasks(EVAL)


async def test_concurrent_listings_of_one_evaluation_share_one_reading(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks(EVAL, ["t1", "t2"])
    fake.add_tasks("eval_2", ["u1"])
    fake.latency_per_request = 0.2  # long enough for every preview to ask while it is read

    first, *others, other_evaluation = await asyncio.gather(
        *(client.list_evaluation_tasks(EVAL) for _ in range(5)),
        client.list_evaluation_tasks("eval_2"),
    )

    assert all([t.id for t in listed] == ["t1", "t2"] for listed in [first, *others])
    assert [t.id for t in other_evaluation] == ["u1"]
    assert len(fake.listing_calls("test-case-results")) == 2  # one per evaluation
    first.clear()  # each caller got its own list
    assert [t.id for t in others[0]] == ["t1", "t2"]


async def test_a_listing_asked_for_after_the_last_one_ended_is_read_afresh(
    fake: FakeSGP, client: SGPClient
) -> None:
    fake.add_tasks(EVAL, ["t1"])
    assert (await client.list_evaluation_tasks(EVAL))[0].assignee_id is None
    fake.add_tasks(EVAL, ["t1"], assigned_to="user_a")  # assigned in the meantime

    assert (await client.list_evaluation_tasks(EVAL))[0].assignee_id == "user_a"
    assert len(fake.listing_calls("test-case-results")) == 2
