"""The app served under a path prefix: ``studiocore serve --root-path /sc``
behind a reverse proxy that serves it at ``https://host/sc/`` and strips
``/sc`` before passing requests on (the ASGI ``root_path`` model).

Every URL the app hands a browser must carry the prefix, or the browser asks
the proxy for ``/agenda`` and gets nothing. In-process: every page of the web
interface, signed in as the demo admin and as a client manager, links, posts
and loads only behind ``/sc``, and every redirect goes there; the calendar
links, the sign-in redirect URI and the OpenAPI document's servers do too. In
a browser (a live server with ``root_path="/sc"`` behind a stripping proxy that
``page.route`` emulates, refusing anything without the prefix): signing in,
the board, the agenda, a link, a comment and the notifications stream."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.parse
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, get
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Server
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from studiocore import ScheduleStatus, Services
from studiocore_http import create_app
from studiocore_http.oidc import external_id
from studiocore_http.openapi_root import RootPathJsonRenderPlugin, RootPathServers, behind_root_path
from studiocore_http.web import WEB_PATHS
from tests.support.idp import LocalIdP
from tests.support.proxy import StrippingProxy
from tests.support.servers import stop, wait_until_answering
from tests.support.sse import free_port
from tests.web.conftest import ADMIN, CLIENT_MANAGER, MC, STUDIO_MANAGER, Browser, demo_settings
from tests.web.test_oidc_sign_in import BASE, web_settings

PREFIX = "/sc"
ORIGIN = "https://testserver.local"
NOT_PAGES = {
    "/notifications/stream",  # an event stream: the browser test connects to it
    "/sign-in/oidc",  # no identity provider here: test_the_sign_in_redirect_uri_...
    "/sign-in/callback",
    "/board/shows/{uid:str}/check.json",  # JSON for board.js: the browser test drags
    "/static/{file_path:path}",  # assets: every src/href to them is checked
}
PER_ROUTE = 3
"""Pages crawled per route template (enough to see each page's links)."""


class Links(HTMLParser):
    """Every URL attribute of a page (``href``, ``src``, ``action``,
    ``formaction``), the ``studiocore-root`` meta tag, and the forms that GET."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.root: str | None = None
        self.get_forms: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        for name in ("href", "src", "action", "formaction"):
            if name in found:
                self.urls.append((tag, name, found[name]))
        if tag == "meta" and found.get("name") == "studiocore-root":
            self.root = found.get("content", "")
        if tag == "form" and found.get("method", "get").lower() == "get":
            self.get_forms.append(found.get("action", ""))


def links_of(html: str) -> Links:
    parsed = Links()
    parsed.feed(html)
    return parsed


def unprefixed(html: str) -> list[str]:
    """The URLs of ``html`` a browser would ask the proxy for outside the prefix."""
    return [
        f"<{tag} {name}={url!r}>"
        for tag, name, url in links_of(html).urls
        if url.startswith("/") and not (url == PREFIX or url.startswith(PREFIX + "/"))
    ]


def asked(url: str) -> str:
    """The path the app sees for the browser's ``url`` (a path, or a full URL
    on this origin), which must be behind the prefix. The proxy strips the
    prefix and uvicorn (``root_path``) puts it back in front of the path, which
    Litestar removes for routing: so the test client sends the path with it."""
    path = url.removeprefix(ORIGIN)
    assert path == PREFIX or path.startswith(PREFIX + "/"), f"{url} is not behind {PREFIX}"
    return path


def page_routes(app: Litestar) -> dict[str, re.Pattern[str]]:
    """The GET routes of the web interface (their templates), each with a
    regular expression its paths match."""
    web = [re.compile(p) for p in WEB_PATHS]
    found: dict[str, re.Pattern[str]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods:
            continue
        if route.path in NOT_PAGES or not any(w.search(route.path) for w in web):
            continue
        parts = [
            "[^/]+" if part.startswith("{") else re.escape(part) for part in route.path.split("/")
        ]
        found[route.path] = re.compile("^" + "/".join(parts) + "$")
    return found


def route_of(routes: dict[str, re.Pattern[str]], path: str) -> str | None:
    bare = path.split("?", 1)[0].split("#", 1)[0]
    matching = [template for template, pattern in routes.items() if pattern.match(bare)]
    # a literal route (/admin/{slug}/new) wins over a parametrized one (/admin/{slug}/{uid})
    return min(matching, key=lambda t: t.count("{")) if matching else None


@pytest.fixture
def services() -> Services:
    from tests.web.conftest import demo_services

    return demo_services()


@pytest.fixture
def behind(services: Services) -> Iterator[Browser]:
    """A browser of the app served under ``/sc``: requests arrive stripped of
    the prefix with ``root_path="/sc"``, as the proxy passes them on."""
    app = create_app(demo_settings(), services=services)
    with Browser(app, base_url=ORIGIN, root_path=PREFIX) as client:
        yield client


def crawl(browser: Browser, start: list[str]) -> set[str]:
    """Visit every page reachable from ``start`` (paths behind the prefix) by
    links and GET forms, up to :data:`PER_ROUTE` a route; each page must
    answer 200 (or redirect behind the prefix) with no URL outside it.
    Returns the route templates visited."""
    routes = page_routes(browser.app)
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    queue = deque(start)
    while queue:
        url = queue.popleft()
        path = asked(url.split("#", 1)[0])
        template = route_of(routes, path.removeprefix(PREFIX).split("?", 1)[0] or "/")
        if path in seen or template is None or per_route.get(template, 0) >= PER_ROUTE:
            continue
        seen.add(path)
        per_route[template] = per_route.get(template, 0) + 1
        answer = browser.get(path, follow_redirects=False)
        if answer.is_redirect:
            queue.appendleft(answer.headers["location"])  # asked() checks it
            continue
        assert answer.status_code == 200, (path, answer.status_code)
        assert unprefixed(answer.text) == [], path
        page = links_of(answer.text)
        assert page.root == PREFIX, path
        for tag, name, link in page.urls:
            if tag == "a" and name == "href" and link.startswith(PREFIX + "/"):
                queue.append(link)
        queue.extend(form + "?" for form in page.get_forms if form)
    return set(per_route)


def test_every_page_links_posts_and_loads_behind_the_prefix(
    behind: Browser, services: Services
) -> None:
    routes = page_routes(behind.app)
    first = behind.get(f"{PREFIX}/", follow_redirects=False)
    assert first.headers["location"] == f"{PREFIX}/sign-in"
    visited = crawl(behind, [f"{PREFIX}/sign-in"])
    sign_in = behind.get(f"{PREFIX}/sign-in").text
    assert unprefixed(sign_in) == []
    assert f'action="{PREFIX}/sign-in"' in sign_in
    # the board of the draft schedule's days links to a new draft
    draft = next(s for s in services.schedules.list() if s.schedule_status is ScheduleStatus.DRAFT)
    for who in (ADMIN, CLIENT_MANAGER):
        behind.cookies.clear()
        answer = behind.post(
            f"{PREFIX}/sign-in",
            data={"email": who, "_csrf_token": behind.token(f"{PREFIX}/sign-in")},
            follow_redirects=False,
        )
        assert answer.headers["location"] == f"{PREFIX}/schedules", who
        assert (
            behind.get(f"{PREFIX}/", follow_redirects=False).headers["location"]
            == f"{PREFIX}/schedules"
        )
        schedule = next(
            link
            for _, _, link in links_of(behind.get(f"{PREFIX}/schedules").text).urls
            if link.startswith(f"{PREFIX}/schedules/")
        )
        board = f"{PREFIX}/board?studio={draft.studio_uid}&day={draft.start_time.date()}"
        visited |= crawl(
            behind, [f"{PREFIX}/schedules", schedule, board, f"{PREFIX}/board", f"{PREFIX}/admin"]
        )
    # the diff picker and a version diff: reached from a schedule with two versions
    confirmed = next(s for s in services.schedules.list() if s.version > 1)
    picked = behind.get(
        f"{PREFIX}/schedules/{confirmed.uid}/diff?from=1&to={confirmed.version}",
        follow_redirects=False,
    )
    assert picked.headers["location"] == (
        f"{PREFIX}/schedules/{confirmed.uid}/versions/1/diff/{confirmed.version}"
    )
    visited |= crawl(behind, [picked.headers["location"]])
    missing = set(routes) - visited
    assert missing == set(), f"pages no crawl reached: {sorted(missing)}"


def test_redirects_after_forms_go_behind_the_prefix(behind: Browser, services: Services) -> None:
    stranger = behind.get(f"{PREFIX}/schedules", follow_redirects=False)
    assert (stranger.status_code, stranger.headers["location"]) == (302, f"{PREFIX}/sign-in")
    _sign_in(behind, STUDIO_MANAGER)
    show = next(
        link
        for _, _, link in links_of(behind.get(f"{PREFIX}/board").text).urls
        if link.startswith(f"{PREFIX}/board/shows/")
    )
    uid = show.rsplit("/", 1)[1]
    commented = _post_form(behind, show, f"{PREFIX}/comments/{uid}", content="Behind the proxy")
    assert commented.headers["location"] == f"{show}#comments"
    assert "Behind the proxy" in behind.get(show).text
    out = _post_form(behind, show, f"{PREFIX}/sign-out")
    assert out.headers["location"] == f"{PREFIX}/sign-in"

    _sign_in(behind, MC)
    read = _post_form(behind, f"{PREFIX}/notifications", f"{PREFIX}/notifications/read-all")
    assert read.headers["location"] == f"{PREFIX}/notifications"
    mc = next(m for m in services.mcs.list() if m.user_uid == services.users.by_email(MC).uid)
    made = _post_form(behind, f"{PREFIX}/agenda", f"{PREFIX}/agenda", op="subscribe", mc_uid=mc.uid)
    assert made.headers["location"] == f"{PREFIX}/agenda"
    agenda = behind.get(f"{PREFIX}/agenda").text
    assert unprefixed(agenda) == []
    # the calendar link is absolute and behind the prefix, and answers there
    [feed] = re.findall(rf'readonly value="({ORIGIN}{PREFIX}/api/v1/calendar-feeds/[^"]+)"', agenda)
    assert f'href="webcal://{feed.removeprefix("https://")}"' in agenda
    ics = behind.get(asked(feed), headers={"Cookie": ""})
    assert (ics.status_code, ics.headers["content-type"]) == (200, "text/calendar; charset=utf-8")


def _sign_in(browser: Browser, email: str) -> None:
    """Sign in through the sign-in page behind the prefix; it lands on the schedules."""
    answer = browser.post(
        f"{PREFIX}/sign-in",
        data={"email": email, "_csrf_token": browser.token(f"{PREFIX}/sign-in")},
    )
    assert (answer.url.path, answer.status_code) == (f"{PREFIX}/schedules", 200), answer.text


def _post_form(browser: Browser, page: str, action: str, **fields: str) -> httpx.Response:
    """Submit the form of ``page`` whose action is ``action``
    (as the page gives it, behind the prefix), with its CSRF token; the
    response, its redirect not followed."""
    html = browser.get(page).text
    form = re.search(rf'<form [^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"{page} has no form posting to {action}"
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.group(1))
    assert token, f"the form posting to {action} carries no CSRF token"
    answer = browser.post(
        asked(action), data={**fields, "_csrf_token": token.group(1)}, follow_redirects=False
    )
    assert answer.is_redirect, (answer.status_code, answer.text[:500])
    return answer


def test_without_a_root_path_nothing_is_prefixed(browser: Browser) -> None:
    browser.sign_in(ADMIN)
    html = browser.get("/schedules").text
    page = links_of(html)
    assert page.root == ""
    assert ("link", "href", "/static/studiocore.css") in page.urls
    assert ("form", "action", "/sign-out") in page.urls
    spec = browser.get("/schema/openapi.json").json()
    assert spec["servers"] == [{"url": "/"}]


def test_the_sign_in_redirect_uri_is_behind_the_prefix(idp: LocalIdP, services: Services) -> None:
    services.users.create("alice@example.com", "Alice", ext_id=external_id(idp.issuer, "alice-1"))
    idp.subject = "alice-1"
    app = create_app(web_settings(idp), services=services)
    with TestClient(app, base_url=BASE, root_path=PREFIX) as client:
        assert f'href="{PREFIX}/sign-in/oidc"' in client.get(f"{PREFIX}/sign-in").text
        start = client.get(f"{PREFIX}/sign-in/oidc", follow_redirects=False)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start.headers["location"]).query))
        assert query["redirect_uri"] == f"{BASE}{PREFIX}/sign-in/callback"
        answer = httpx.get(f"{idp.base}/authorize", params=query, follow_redirects=False)
        callback = answer.headers["location"]
        assert callback.startswith(f"{BASE}{PREFIX}/sign-in/callback?")
        done = client.get(callback.removeprefix(BASE), follow_redirects=False)
        assert done.headers["location"] == f"{PREFIX}/"


def test_the_openapi_servers_and_swagger_page_are_behind_the_prefix(services: Services) -> None:
    app = create_app(demo_settings(), services=services)
    with TestClient(app, base_url=ORIGIN, root_path=PREFIX) as client:
        assert client.get(f"{PREFIX}/schema/openapi.json").json()["servers"] == [{"url": PREFIX}]
        for page in ("/schema", "/schema/swagger"):
            html = client.get(PREFIX + page).text
            assert f'"servers":[{{"url":"{PREFIX}"}}]' in html, page
            assert '"url":"/"' not in html, page


def test_any_render_plugin_with_the_mixin_renders_servers_behind_the_prefix() -> None:
    @get("/ping", sync_to_thread=False)
    def ping() -> str:
        return "pong"

    class OwnAssets(RootPathServers, SwaggerRenderPlugin):
        """A Swagger page of one's own (assets elsewhere), the mixin first."""

    config = OpenAPIConfig(
        title="t",
        version="1",
        render_plugins=[OwnAssets(path="/", js_url="/assets/ui.js"), RootPathJsonRenderPlugin()],
        servers=[Server(url="/"), Server(url="https://api.example/v1")],
    )
    app = Litestar([ping], openapi_config=config)
    with TestClient(app, root_path=PREFIX) as client:
        html = client.get(f"{PREFIX}/schema").text
        assert '"servers":[{"url":"/sc"},{"url":"https://api.example/v1"}]' in html
        document = client.get(f"{PREFIX}/schema/openapi.json").json()
        assert document["servers"] == [{"url": "/sc"}, {"url": "https://api.example/v1"}]
    with TestClient(app) as client:  # the cached document was not changed by that request
        assert client.get("/schema/openapi.json").json()["servers"][0] == {"url": "/"}


@pytest.mark.parametrize(
    ("servers", "expected"),
    [
        ([{"url": "/"}], [{"url": "/sc"}]),
        (
            [{"url": "/v1/"}, {"url": "https://api.example/x"}],
            [{"url": "/sc/v1"}, {"url": "https://api.example/x"}],
        ),
        ([{"url": "//cdn.example/"}], [{"url": "//cdn.example/"}]),
    ],
)
def test_behind_root_path_moves_path_servers_only(
    servers: list[dict[str, str]], expected: list[dict[str, str]]
) -> None:
    class Scoped:
        scope = {"root_path": "/sc/"}

    schema = {"openapi": "3.1.0", "servers": servers}
    moved = behind_root_path(Scoped(), schema)  # type: ignore[arg-type]
    assert moved["servers"] == expected
    assert schema["servers"] == servers  # the cached document is left alone
    Scoped.scope = {"root_path": ""}
    assert behind_root_path(Scoped(), schema) is schema  # type: ignore[arg-type]


def test_studiocore_serve_root_path_behind_a_stripping_proxy(tmp_path: Path) -> None:
    """``studiocore serve --demo --root-path /sc`` as a process, reached through
    a proxy that strips ``/sc``: health, the sign-in page, its redirects and the
    OpenAPI document all answer behind the prefix."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIOCORE_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(Path(__file__).parents[2] / "src"), *sys.path]),
        PYTHONUNBUFFERED="1",
        STUDIOCORE_JWT_SECRET="root-path-secret-" + "x" * 32,
        STUDIOCORE_LOG_REQUESTS="false",
    )
    command = [sys.executable, "-m", "studiocore_http", "serve", "--demo", "--root-path", PREFIX]
    command += ["--port", str(port), "--database-url", f"sqlite:///{tmp_path / 'sc.db'}"]
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        with StrippingProxy(f"http://127.0.0.1:{port}", PREFIX) as proxy, httpx.Client() as http:
            wait_until_answering(f"{proxy.url}/health/live", process, log, client=http)
            start = http.get(f"{proxy.url}/")
            assert (start.status_code, start.headers["location"]) == (302, f"{PREFIX}/sign-in")
            sign_in = http.get(f"{proxy.url}/sign-in")
            assert sign_in.status_code == 200
            assert unprefixed(sign_in.text) == []
            assert links_of(sign_in.text).root == PREFIX
            css = http.get(f"{proxy.url}/static/studiocore.css")
            assert css.headers["content-type"].startswith("text/css")
            spec = http.get(f"{proxy.url}/schema/openapi.json").json()
            assert spec["servers"] == [{"url": PREFIX}]
            assert proxy.refused == []
            # the proxy must strip the prefix: uvicorn puts root_path in front of the path
            assert http.get(f"http://127.0.0.1:{port}{PREFIX}/sign-in").status_code == 404
            assert http.get(f"http://127.0.0.1:{port}/sign-in").status_code == 200
    finally:
        stop(process)
