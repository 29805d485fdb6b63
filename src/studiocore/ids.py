"""Public identifiers: ``<prefix>_<ULID>``.

A ULID is 48 bits of millisecond time followed by 80 random bits, written in
Crockford base32 (26 characters), so uids sort by creation time. Within one
millisecond the generator increments the random part, so uids made by one
process are strictly increasing.
"""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import UTC, datetime

__all__ = ["is_uid", "new_uid", "new_uids", "uid_floor", "uid_prefix", "uid_time"]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_UID_RE = re.compile(r"^([a-z][a-z0-9]*)_([0-9A-HJKMNP-TV-Z]{26})$")
_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]
"""Every two-character group, indexed by its 10-bit value."""


def _encode(value: int, length: int) -> str:
    """``value`` as ``length`` (even) Crockford base32 characters, ten bits at a
    time (a promotion makes 10k uids for its audit entries)."""
    pairs = []
    for _ in range(length // 2):
        pairs.append(_PAIRS[value & 1023])
        value >>= 10
    return "".join(reversed(pairs))


def _next_ulids(count: int) -> list[str]:
    """``count`` strictly increasing ULIDs: one clock read, then the random part
    incremented (its time part encoded once)."""
    global _last_ms, _last_rand
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            rand = _last_rand + 1
        else:
            rand = int.from_bytes(os.urandom(10), "big") >> 1  # headroom for increments
        if rand + count > 1 << 80:  # pragma: no cover - 2**80 uids in one millisecond
            ms += 1
            rand = int.from_bytes(os.urandom(10), "big") >> 1
        _last_ms, _last_rand = ms, rand + count - 1
    stamp = _encode(ms, 10)
    if count == 1:
        return [stamp + _encode(rand, 16)]
    # consecutive values share their high 60 bits for runs of 2**20: encode
    # those twelve characters once per run, the low four per uid
    out, high, head = [], -1, ""
    for value in range(rand, rand + count):
        if value >> 20 != high:
            high = value >> 20
            head = stamp + _encode(high, 12)
        out.append(head + _PAIRS[(value >> 10) & 1023] + _PAIRS[value & 1023])
    return out


def new_uid(prefix: str) -> str:
    """Return a new uid such as ``show_01JD8X3W6Q3M1V7T0N6ZC4K9RB``."""
    return f"{prefix}_{_next_ulids(1)[0]}"


def new_uids(prefix: str, count: int) -> list[str]:
    """``count`` new uids at once, in increasing order (what :func:`new_uid`
    would give called ``count`` times, for less)."""
    return [f"{prefix}_{ulid}" for ulid in _next_ulids(count)]


def is_uid(value: str, prefix: str | None = None) -> bool:
    """Whether ``value`` is a well-formed uid (with this ``prefix`` if given)."""
    match = _UID_RE.match(value)
    return match is not None and (prefix is None or match.group(1) == prefix)


def uid_prefix(value: str) -> str:
    """The type prefix of a uid (``"show"`` for ``"show_01J..."``)."""
    return value.partition("_")[0]


def _decode(text: str) -> int:
    value = 0
    for char in text:
        value = value * 32 + _ALPHABET.index(char)
    return value


def uid_time(value: str) -> datetime:
    """When the uid ``value`` was made (to the millisecond, UTC); a
    ``ValueError`` for a malformed uid.

    >>> uid_time(uid_floor("notif", datetime(2026, 3, 2, 9, tzinfo=UTC)))
    datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)
    """
    match = _UID_RE.match(value)
    if match is None:
        raise ValueError(f"not a uid: {value!r}")
    return datetime.fromtimestamp(_decode(match.group(2)[:10]) / 1000, UTC)


def uid_floor(prefix: str, when: datetime) -> str:
    """The smallest uid with ``prefix`` made at ``when`` or later: every uid
    made from then on sorts after it (``when`` must be timezone-aware)."""
    if when.tzinfo is None:
        raise ValueError("when must be timezone-aware")
    ms = max(0, int(when.timestamp() * 1000))
    return f"{prefix}_{_encode(ms, 10)}{'0' * 16}"
