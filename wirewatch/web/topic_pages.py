"""Topics: the list with volume and precision, the editor with line errors, the preview
backtest, saving (the daemon hot-reloads the file) and restoring a version."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from wirewatch.web.console import in_thread, page

MAX_TEXT = 64_000
PREVIEW_DAYS = 7
PREVIEW_ITEMS = 200     # the analysis is the cost: a few items per second per core
MAX_PREVIEW_ITEMS = 2000


@page()
async def topic_list(request: Request):
    from wirewatch.topic_edits import topic_texts
    from wirewatch.views import topic_activity

    console = request.app.state.console
    activity = await in_thread(topic_activity, console.engine, 30)
    in_file = await in_thread(topic_texts, console.settings.topics_file)
    for name in in_file:
        activity.setdefault(name, {"title": name, "version": None, "alerts": 0, "rated": 0, "precision": None,
                                   "series": []})
    return console.render(request, "topics.html", topics=sorted(activity.items()), in_file=set(in_file))


async def _editor(request: Request, name: str, text: str | None = None, errors=(), preview=None,
                  notice: str | None = None, status: int = 200):
    from wirewatch.topic_edits import topic_texts, versions
    from wirewatch.views import topic_activity

    console = request.app.state.console
    texts = await in_thread(topic_texts, console.settings.topics_file)
    if name not in texts and text is None:
        return console.render(request, "error.html", status=404,
                              message=f"No topic {name!r} in {console.settings.topics_file.name}.")
    history = await in_thread(versions, console.engine, name)
    activity = (await in_thread(topic_activity, console.engine, 30)).get(name)
    error_lines = {e.line for e in errors}
    shown = text if text is not None else texts[name]
    return console.render(request, "topic_edit.html", status=status, name=name, text=shown,
                          lines=shown.rstrip("\n").split("\n"), errors=errors, error_lines=error_lines, preview=preview,
                          history=history, activity=activity, notice=notice,
                          days=int(request.query_params.get("days") or PREVIEW_DAYS), limit=PREVIEW_ITEMS)


@page()
async def topic_page(request: Request):
    done = request.query_params.get("done")
    return await _editor(request, request.path_params["name"], notice=f"Done: {done}." if done else None)


def _form_text(form) -> str:
    return str(form.get("text") or "")[:MAX_TEXT]


@page(analyst=True)
async def topic_save(request: Request):
    from consumers.matching.topics import TopicFileError
    from wirewatch.topic_edits import save_topic

    console = request.app.state.console
    name, text = request.path_params["name"], _form_text(request.state.form)
    try:
        saved = await in_thread(save_topic, console.engine, console.settings.topics_file, name, text,
                                request.state.session.user.username)
    except TopicFileError as exc:
        return await _editor(request, name, text, errors=exc.errors, status=422)
    done = f"saved as version {saved.version}" if saved.changed else "nothing changed"
    return RedirectResponse(f"/topics/{name}?done={done}", status_code=303)


@page(analyst=True)
async def topic_preview(request: Request):
    """Check the edited text and backtest it over recent stored items; nothing is saved or sent."""
    from consumers.matching.topic_text import parse_topic_text
    from consumers.matching.topics import TopicFileError
    from wirewatch.backtest import backtest
    from wirewatch.views import count_items

    console = request.app.state.console
    form = request.state.form
    name, text = request.path_params["name"], _form_text(form)
    try:
        topic = parse_topic_text(text)
    except TopicFileError as exc:
        return await _editor(request, name, text, errors=exc.errors, status=422)
    days = _bounded(form.get("days"), PREVIEW_DAYS, 1, 3650)
    limit = _bounded(form.get("limit"), PREVIEW_ITEMS, 1, MAX_PREVIEW_ITEMS)
    since = datetime.now(timezone.utc) - timedelta(days=days)

    def run():
        started = time.monotonic()
        total = count_items(console.engine, since)
        hits = list(backtest(console.engine, console.app.analyzer, topic, since, limit=limit))
        return {"hits": hits, "total": total, "analysed": min(total, limit), "days": days,
                "seconds": time.monotonic() - started, "version": topic.version}

    if not console.preview_slot.acquire(blocking=False):
        return await _editor(request, name, text, status=429,
                             notice="Preview not run: another preview is running; try again in a minute.")
    try:
        preview = await in_thread(run)
    finally:
        console.preview_slot.release()
    return await _editor(request, name, text, preview=preview)


def _bounded(value, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(str(value))))
    except (TypeError, ValueError):
        return default


@page(analyst=True)
async def topic_restore(request: Request):
    from consumers.matching.topics import TopicFileError
    from wirewatch.topic_edits import restore

    console = request.app.state.console
    name = request.path_params["name"]
    vid = str(request.path_params["version_id"])
    if not vid.isdigit():
        return PlainTextResponse("no such version", status_code=404)
    try:
        saved = await in_thread(restore, console.engine, console.settings.topics_file, name, int(vid),
                                request.state.session.user.username)
    except TopicFileError as exc:  # e.g. an old text the current file can no longer take
        return await _editor(request, name, errors=exc.errors, status=422)
    if saved is None:
        return PlainTextResponse("no such version", status_code=404)
    return RedirectResponse(f"/topics/{name}?done=restored as version {saved.version}", status_code=303)


ROUTES = [
    Route("/topics", topic_list),
    Route("/topics/{name}", topic_page),
    Route("/topics/{name}", topic_save, methods=["POST"]),
    Route("/topics/{name}/preview", topic_preview, methods=["POST"]),
    Route("/topics/{name}/restore/{version_id}", topic_restore, methods=["POST"]),
]
