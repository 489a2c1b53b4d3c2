"""`wirewatch web`: the analyst console, a Starlette app with server-rendered Jinja2 pages.

`create_app(app)` takes the composition root's App, so tests hand it one on their own
schema. Reads go through `wirewatch.views`; writes through the same services as the CLI
(`alert_actions`, `topic_edits`, `accounts`, the feed store).
"""
from __future__ import annotations

import logging
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from wirewatch.web import security
from wirewatch.web.console import HERE, Console, in_thread, page

log = logging.getLogger("wirewatch.web")


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/alerts"
    return target


async def login_form(request: Request):
    console: Console = request.app.state.console
    token = security.new_token()
    response = console.render(request, "login.html", login_csrf=token, error=None,
                              next=_safe_next(request.query_params.get("next")))
    response.set_cookie(security.LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=console.settings.web_secure_cookies, path="/login")
    return response


async def login(request: Request):
    from wirewatch.accounts import authenticate, open_session

    console: Console = request.app.state.console
    form = await request.form()
    username = str(form.get("username") or "").strip().lower()[:64]
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or ""))
    if not security.tokens_equal(str(form.get(security.CSRF_FIELD) or ""),
                                 request.cookies.get(security.LOGIN_CSRF_COOKIE)) \
            or not security.same_origin(request.headers.get("origin"), request.headers.get("host")):
        return PlainTextResponse("missing or wrong CSRF token: reload the login page and try again",
                                 status_code=403)
    address = _client(request)
    wait = console.limiter.retry_after(address, username)
    if wait > 0:
        log.warning("login throttled for user %r from %s", username, address)
        response = console.render(request, "login.html", status=429, login_csrf=form.get(security.CSRF_FIELD),
                                  next=target, error=f"Too many failed logins: try again in {wait:.0f} s.")
        response.headers["retry-after"] = str(int(wait) + 1)
        return response
    user = await in_thread(authenticate, console.engine, username, password)
    if user is None:
        console.limiter.failed(address, username)
        log.warning("failed console login for user %r from %s", username, address)  # never the password
        return console.render(request, "login.html", status=401, login_csrf=form.get(security.CSRF_FIELD),
                              next=target, error="Wrong user name or password.")
    console.limiter.succeeded(address, username)
    token, _info = await in_thread(open_session, console.engine, user, console.settings.web_session_minutes)
    log.info("console login: %s (%s) from %s", user.username, user.role, address)
    response = RedirectResponse(target, status_code=303)
    console.session_cookie(response, token)
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/login")
    return response


@page()
async def logout(request: Request):
    from wirewatch.accounts import close_session

    console: Console = request.app.state.console
    await in_thread(close_session, console.engine, request.cookies.get(security.SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


async def home(request: Request):
    return RedirectResponse("/alerts", status_code=303)


MAX_BODY = 256 * 1024  # the largest form is a topic's text (64 KB)


class _Guard:
    """ASGI middleware: the security headers on every response, errors included, and a cap
    on request bodies, so that no request can make the console read without bound."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return await PlainTextResponse("request too large", status_code=413)(scope, receive, send)
        seen = 0

        async def receiving():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:  # a chunked body that gives no length
                raise ValueError("request body over the console's limit")
            return message

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in security.HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in security.HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receiving, sending)


def create_app(app) -> Starlette:
    """The console for one App (its settings, engine and analyzer)."""
    from wirewatch.web import alert_pages, feed_pages, topic_pages

    routes = [
        Route("/", home),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        *alert_pages.ROUTES,
        *topic_pages.ROUTES,
        *feed_pages.ROUTES,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    web = Starlette(routes=routes, middleware=[Middleware(_Guard)])
    web.state.console = Console(app)
    return web
