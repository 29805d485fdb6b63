"""The web interface: server-rendered pages for the people who plan, approve
and run the shows, served by the same app as the API (docs/web-interface.md).

Pages are Jinja templates rendered from the core's services with the signed-in
user's :class:`~studiocore.Actor`, so every page shows what the access rules let
that user see, and a record they may not see answers 404 as the API does. A
signed, encrypted session cookie (``HttpOnly``, ``Secure``, ``SameSite=Lax``)
names the user; every form carries a CSRF token; every page is sent with a
strict Content-Security-Policy (no inline script or style). Nothing is loaded
from outside the server.
"""

from __future__ import annotations

from .routes import WEB_PATHS, web_app_config

__all__ = ["WEB_PATHS", "web_app_config"]
