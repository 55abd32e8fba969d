"""Redis-backed state of the bot: user links and pending confirmations."""

from bot.store.confirmations import ENDING_TTL_SECONDS, ConfirmationStore, Ending
from bot.store.connection import DEFAULT_PREFIX, IN_MEMORY_WARNING, Store, open_store
from bot.store.errors import StoreUnavailable
from bot.store.identities import IdentityStore

__all__ = [
    "DEFAULT_PREFIX",
    "ENDING_TTL_SECONDS",
    "IN_MEMORY_WARNING",
    "ConfirmationStore",
    "Ending",
    "IdentityStore",
    "Store",
    "StoreUnavailable",
    "open_store",
]
