"""Text -> words: Slack's escaping undone, quotes dropped, markup kept whole; and how a
word is quoted back in an error.

Slack delivers the text escaped (`should_escape`): people as `<@U123|name>`, links as
`<url|label>`, and a typed `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`. Only Slack's own markup
is read as a mention, so text a person types can never pose as one.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, NamedTuple

from bot.core.commands.types import UsageError

#: Longest text read. A Slack message holds at most 40,000 characters and escaping can make
#: one typed `&` five (`&amp;`), so real input stays under this; anything longer is hostile.
MAX_TEXT_CHARS: Final = 200_000

#: The request every "how to assign" hint shows.
EXAMPLE: Final = "`/assign eval_123 t1 t2 to @alice`"

_QUOTE_LIMIT: Final = 40
# Zero-width characters that NFKC keeps; NFKC already turns no-break and other spaces into " ".
_BLANKS: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u180e"), " ")
# Slack markup `<...>` (labels may hold spaces), or a run of anything but separators; `&lt;` and
# friends stay inside a word although they end in the separator `;`. Linear: no nested repeats.
_TOKEN_RE: Final = re.compile(r"<[^<>]*>|(?:&(?:amp|lt|gt);|[^\s,;<])+|<")
_ENTITY_RE: Final = re.compile(r"&(amp|lt|gt);")
_ENTITIES: Final = {"amp": "&", "lt": "<", "gt": ">"}
# Quotes (straight, smart, guillemets, CJK) and brackets around a pasted token are not part of it.
_WRAPPERS: Final = (
    "\"'`()[]{}"
    "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b"  # smart double and single quotes
    "\u00ab\u00bb\u2039\u203a"  # guillemets
    "\u300c\u300d\u300e\u300f\u301d\u301e\u301f"  # CJK corner brackets and quotes
)
_CONNECTORS: Final = frozenset({"and", "&", "+"})
_NOISE_RE: Final = re.compile(r"[.!?]+")
#: Past this many digits a number is only known to be huge (int() refuses very long digit
#: strings); every limit in the grammar is far below it.
_NUMBER_DIGITS: Final = 12


class Token(NamedTuple):
    """One word of the text: `markup` is Slack's raw `<...>`; a word is decoded and unquoted.

    `word` is the lower-cased word ("" for markup), for case-insensitive keywords. A tuple, not
    a dataclass: a megabyte of text makes hundreds of thousands of these.
    """

    text: str
    markup: bool
    word: str


def too_long(length: int) -> UsageError:
    """The refusal of hostile-sized text, before any other work."""
    return UsageError(
        f"That is {length:,} characters, more than the {MAX_TEXT_CHARS:,} I read. Send the "
        "task ids in several smaller requests."
    )


def _decode(piece: str) -> str:
    """Undo Slack's escaping of a typed `&`, `<`, `>` (markup is never decoded)."""
    if "&" not in piece:
        return piece
    return _ENTITY_RE.sub(lambda match: _ENTITIES[match.group(1)], piece)


def tokenize(text: str) -> list[Token]:
    """Split normalised text into tokens; empty words (a lone quote) are dropped."""
    normal = unicodedata.normalize("NFKC", text.translate(_BLANKS))
    if len(normal) > MAX_TEXT_CHARS:  # NFKC can make one character eighteen
        raise too_long(len(normal))
    tokens: list[Token] = []
    for match in _TOKEN_RE.finditer(normal):
        piece = match.group()
        if len(piece) > 1 and piece[0] == "<":
            tokens.append(Token(piece, True, ""))
        else:
            word = _decode(piece).strip(_WRAPPERS)
            if word:
                tokens.append(Token(word, False, word.lower()))
    return tokens


def show(token: Token) -> str:
    """The token as the person saw it in Slack (`@alice`, `#general`, `@here`), short."""
    text = token.text
    if token.markup and text.endswith(">"):
        target, _, label = text[1:-1].partition("|")
        if target.startswith("@") and label:
            text = "@" + label.lstrip("@")
        elif target.startswith("#") and label:
            text = "#" + label
        elif target.startswith("!subteam^") and label:
            text = label
        elif target.startswith("!") and target[1:].isalpha():
            text = "@" + target[1:]
        elif not target.startswith(("@", "#", "!")):
            text = target
    return quote(text)


def quote(text: str) -> str:
    """`text` as a short code span; long tokens are cut, so one bad paste stays readable."""
    text = " ".join(text.split()).replace("`", "'")
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "\u2026"
    return f"`{text}`"


def is_to(token: Token) -> bool:
    """`to` (or `to:`), the word between task ids and people."""
    return token.word.rstrip(":") == "to"


def is_filler(token: Token) -> bool:
    """Words that join or end items (`and`, `&`, a stray `.`) and carry no id."""
    word = token.word
    return word in _CONNECTORS or _NOISE_RE.fullmatch(word) is not None


def number(token: Token) -> int | None:
    """The value of a plain typed number (`20`), or None for anything else."""
    word = token.word
    if token.markup or not word.isascii() or not word.isdigit():
        return None
    return int(word) if len(word) <= _NUMBER_DIGITS else 10**_NUMBER_DIGITS
