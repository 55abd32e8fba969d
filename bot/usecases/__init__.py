"""The use cases, one module per concern, talking to the outside only through `ports`.

`UseCases` bundles them for the composition root and the listeners; each is built from the
store's small stores, the platform and the job board, so a test builds them with fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.authz import AccessPolicy
from bot.core.ids import DEFAULT_PLATFORM_HOSTS, link_host
from bot.metrics import Metrics
from bot.store.connection import Store
from bot.usecases.access import Access
from bot.usecases.assigning import Assigning, AssigningConfig
from bot.usecases.audit import Auditing
from bot.usecases.evaluations import Evaluations
from bot.usecases.home import Home
from bot.usecases.people import People
from bot.usecases.ports import EmailDirectory, GroupDirectory, JobBoard, Platform
from bot.usecases.undo import Undoing


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class UseCases:
    access: Access
    people: People
    assigning: Assigning
    undo: Undoing
    audit: Auditing
    metrics: Metrics
    #: Evaluation overviews (unfurls) and the open tasks of a past assignment (reassign).
    evaluations: Evaluations
    #: The App Home: a person's open tasks; a lead's jobs, previews and evaluations.
    home: Home


def build_usecases(
    *,
    store: Store,
    platform: Platform,
    jobs: JobBoard,
    policy: AccessPolicy,
    metrics: Metrics,
    config: AssigningConfig | None = None,
    groups: GroupDirectory | None = None,
    emails: EmailDirectory | None = None,
    clock: Callable[[], datetime] = utc_now,
    hosts: Collection[str] = DEFAULT_PLATFORM_HOSTS,
) -> UseCases:
    """`policy.admins` is the one list of admins; `emails` turns on matching by email;
    `hosts` (ASSIGN_PLATFORM_HOSTS) are the platform web app's: their links are unfurled, and
    the first (`link_host`) is where the App Home's links point."""
    config = config or AssigningConfig()
    access = Access(policy, groups)
    people = _people(store, platform, access, config, emails)
    audit = Auditing(store.audit, access, clock)
    assigning = Assigning(
        access=access,
        people=people,
        platform=platform,
        confirmations=store.confirmations,
        drafts=store.drafts,
        jobs=jobs,
        metrics=metrics,
        clock=clock,
        config=config,
        home=store.home,
    )
    undo = Undoing(
        snapshots=store.undo,
        platform=platform,
        access=access,
        audit=audit,
        metrics=metrics,
        clock=clock,
        listing_seconds=config.listing_seconds,
    )
    evaluations = Evaluations(platform, store.cache, jobs, hosts=hosts)
    home = Home(
        index=store.home,
        platform=platform,
        confirmations=store.confirmations,
        undo=store.undo,
        evaluations=evaluations,
        clock=clock,
        jobs=jobs,
        app_host=link_host(hosts),
    )
    return UseCases(access, people, assigning, undo, audit, metrics, evaluations, home)


def _people(
    store: Store,
    platform: Platform,
    access: Access,
    config: AssigningConfig,
    emails: EmailDirectory | None,
) -> People:
    people = People(
        store.identities,
        access,
        platform=platform,
        cache=store.cache,
        listing_seconds=config.listing_seconds,
    )
    if emails is not None:
        people.use_emails(emails)
    return people
