"""Feed link tokens: ``<feed uid>.<signature>``, the signature an HMAC-SHA256
of the uid under the app's signing secret (URL-safe base64, unpadded).

A token proves the link was handed out by this server; whether it still works
(not revoked, its owner not banned or deleted, the calendar still readable by
them) is decided by the core at every fetch. A changed signing secret
invalidates every link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from studiocore import CalendarFeed
from studiocore.ids import is_uid

__all__ = ["feed_token", "feed_uid_of"]

_PURPOSE = b"studiocore calendar feed\x00"
"""Keeps these signatures apart from anything else signed with the same secret."""


def _signature(secret: str, uid: str) -> str:
    digest = hmac.new(secret.encode(), _PURPOSE + uid.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_token(secret: str, uid: str) -> str:
    """The token of the feed ``uid`` (goes into its link)."""
    return f"{uid}.{_signature(secret, uid)}"


def feed_uid_of(secret: str, token: str) -> str | None:
    """The feed uid a token names if its signature is right; ``None`` for a
    malformed or forged token (compared in constant time)."""
    uid, dot, signature = token.partition(".")
    if not dot or not is_uid(uid, CalendarFeed.PREFIX):
        return None
    if not hmac.compare_digest(signature.encode(), _signature(secret, uid).encode()):
        return None
    return uid
