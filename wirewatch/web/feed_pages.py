"""Feeds: the health table, and add, pause, resume and remove (the feed store the CLI uses)."""
from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from wirewatch.web.console import in_thread, page


def _rows(engine):
    from producers.url_policy import redact
    from wirewatch.views import feed_health

    # Credentials in a feed URL are secrets: pages show the redacted form only.
    return [{**r, "url": redact(r["url"])} for r in feed_health(engine)]


@page()
async def feed_list(request: Request):
    console = request.app.state.console
    rows = await in_thread(_rows, console.engine)
    return console.render(request, "feeds.html", feeds=rows, notice=request.query_params.get("done"),
                          error=request.query_params.get("error"))


@page(analyst=True)
async def feed_add(request: Request):
    from producers.registry import RegistryError
    from producers.url_policy import UrlPolicy, redact
    from wirewatch.adapters.postgres_feeds import FeedStore

    console = request.app.state.console
    form = request.state.form
    url = str(form.get("url") or "").strip()[:2000]
    name = str(form.get("name") or "").strip()[:200] or None
    try:
        interval = max(60.0, min(365 * 86400.0, float(str(form.get("interval") or 300))))
    except ValueError:
        interval = 300.0
    try:
        feed_id, created = await in_thread(FeedStore(console.engine).add_feed, url, name, interval,
                                           UrlPolicy.from_settings(console.settings))
    except RegistryError as exc:
        return RedirectResponse("/feeds?error=" + quote(str(exc)[:300]), status_code=303)
    verb = "added" if created else "already registered"
    return RedirectResponse("/feeds?done=" + quote(f"{verb} feed #{feed_id}: {redact(url)}"), status_code=303)


@page(analyst=True)
async def feed_action(request: Request):
    from wirewatch.adapters.postgres_feeds import FeedStore

    console = request.app.state.console
    feed_id, action = str(request.path_params["feed_id"]), request.path_params["action"]
    if not feed_id.isdigit():
        return PlainTextResponse("no such feed", status_code=404)
    store = FeedStore(console.engine)
    if action in ("pause", "resume"):
        found = await in_thread(store.set_paused, feed_id, action == "pause")
    elif action == "remove":
        found = await in_thread(store.remove_feed, feed_id)
    else:
        return PlainTextResponse("unknown action", status_code=404)
    if not found:
        return PlainTextResponse("no such feed", status_code=404)
    past = {"pause": "paused", "resume": "resumed", "remove": "removed"}[action]
    return RedirectResponse(f"/feeds?done={past} feed %23{feed_id}", status_code=303)


ROUTES = [
    Route("/feeds", feed_list),
    Route("/feeds", feed_add, methods=["POST"]),
    Route("/feeds/{feed_id}/{action}", feed_action, methods=["POST"]),
]
