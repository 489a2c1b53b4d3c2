"""What every console page shares: templates, the session guard, the thread hop for the DB."""
from __future__ import annotations

import threading
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool as in_thread  # the DB calls are blocking
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from wirewatch.web import security
from wirewatch.web.charts import volume_and_precision
from wirewatch.web.marks import marked

HERE = Path(__file__).resolve().parent


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(marked=marked, chart=volume_and_precision)
    env.filters["when"] = lambda t: "" if t is None else t.strftime("%Y-%m-%d %H:%M UTC")
    env.filters["pct"] = lambda p: "–" if p is None else f"{100 * p:.0f}%"
    return env


class Console:
    """The console's state: the App (engine, settings, analyzer), templates, the login limiter."""

    def __init__(self, app) -> None:
        self.app = app
        self.settings = app.settings
        self.env = _env()
        self.limiter = security.LoginLimiter(app.settings.web_login_attempts)
        # One preview at a time: each one is minutes of CPU at most, and the daemon needs the rest.
        self.preview_slot = threading.Semaphore(1)

    @property
    def engine(self):
        return self.app.engine

    def render(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        context.setdefault("user", session.user if session else None)
        context.setdefault("csrf", session.csrf_token if session else "")
        context.setdefault("path", request.url.path)
        html = self.env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)

    def session_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(security.SESSION_COOKIE, token, max_age=self.settings.web_session_minutes * 60,
                            httponly=True, samesite="strict", secure=self.settings.web_secure_cookies, path="/")


def page(analyst: bool = False, fragment: bool = False):
    """Guard a handler: a live session; on a POST, the session's CSRF token, and with
    ``analyst`` the analyst role. Without a session a page redirects to the login, and a
    ``fragment`` (what the page's script fetches) answers 401."""

    def wrap(handler):
        @wraps(handler)
        async def guarded(request: Request):
            from wirewatch.accounts import session_for

            console: Console = request.app.state.console
            token = request.cookies.get(security.SESSION_COOKIE)
            session = await in_thread(session_for, console.engine, token)
            if session is None:
                if request.method == "GET" and not fragment:
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
                return PlainTextResponse("log in first", status_code=401)
            request.state.session = session
            if request.method == "POST":
                form = await request.form()
                given = form.get(security.CSRF_FIELD) or request.headers.get(security.CSRF_HEADER)
                if not security.same_origin(request.headers.get("origin"), request.headers.get("host")):
                    return PlainTextResponse("cross-site request refused", status_code=403)
                if not security.tokens_equal(given if isinstance(given, str) else None, session.csrf_token):
                    return PlainTextResponse("missing or wrong CSRF token: reload the page and try again",
                                             status_code=403)
                if analyst and not session.user.can_write:
                    return PlainTextResponse(f"the {session.user.role} role may not change anything; "
                                             "ask for an analyst account", status_code=403)
                request.state.form = form
            return await handler(request)

        return guarded

    return wrap

