"""A job's slots (`bot.jobs.runner.Gate`): the next chunk goes out while an answer is parsed,
and never after the platform refused the key."""

from __future__ import annotations

import asyncio

from bot.core.tasks import ChunkError, ChunkResult
from bot.jobs.runner import Gate
from bot.sgp.gate import answered


async def unchecked(result: ChunkResult) -> ChunkResult:
    return result


async def test_the_next_chunk_goes_out_while_the_last_answer_is_parsed() -> None:
    """One slot: chunk 2 is sent once chunk 1's answer has arrived, not once it is parsed
    (the client tells the gate between the two, `gate.answered`)."""
    gate, parsing, events = Gate(1), asyncio.Event(), []

    async def first() -> ChunkResult:
        events.append("sent 1")
        tell = answered.get()
        assert tell is not None
        tell()
        await parsing.wait()  # a 500-task answer being parsed
        events.append("parsed 1")
        return ChunkResult(("a",))

    async def second() -> ChunkResult:
        events.append("sent 2")
        parsing.set()
        return ChunkResult(("b",))

    await asyncio.wait_for(
        asyncio.gather(gate.send(("a",), first, unchecked), gate.send(("b",), second, unchecked)),
        timeout=5,
    )
    assert events == ["sent 1", "sent 2", "parsed 1"]


async def test_a_refusal_keeps_the_slot_until_it_is_seen() -> None:
    """A 401 is an error, not an answer to parse: the chunk waiting for the slot sees it and
    is not sent."""
    gate, sent = Gate(1), []

    async def refused() -> ChunkResult:
        sent.append("a")
        await asyncio.sleep(0.01)
        return ChunkResult(("a",), error=ChunkError("Not authenticated", status=401))

    async def never() -> ChunkResult:
        sent.append("b")
        return ChunkResult(("b",))

    first, second = await asyncio.gather(
        gate.send(("a",), refused, unchecked), gate.send(("b",), never, unchecked)
    )
    assert sent == ["a"]
    assert first.error is not None and first.error.status == 401
    assert second.error is not None and "not sent" in second.error.message


async def test_a_slot_told_free_twice_is_still_one_slot() -> None:
    gate, inside, most = Gate(1), 0, 0

    async def told_twice() -> ChunkResult:
        tell = answered.get()
        assert tell is not None
        tell()
        tell()
        return ChunkResult(("a",))

    async def slow() -> ChunkResult:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        return ChunkResult(("b",))

    await gate.send(("a",), told_twice, unchecked)
    await asyncio.gather(*(gate.send(("b",), slow, unchecked) for _ in range(3)))
    assert most == 1
