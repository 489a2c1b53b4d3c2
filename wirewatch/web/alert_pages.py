"""The alerts inbox (with live updates) and the alert page with its actions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from wirewatch.web.console import in_thread, page

FILTER_KEYS = ("topic", "country", "person", "status", "rating", "since", "until")


def _date(value: str | None, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return day + timedelta(days=1) if end else day


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def filters_of(request: Request, **extra):
    from wirewatch.views import RATING_FILTERS, STATUSES, AlertFilters

    q = request.query_params
    text = {k: (q.get(k) or "").strip()[:200] or None for k in FILTER_KEYS}
    return AlertFilters(topic=text["topic"], country=text["country"], person=text["person"],
                        status=text["status"] if text["status"] in STATUSES else None,
                        rating=text["rating"] if text["rating"] in RATING_FILTERS else None,
                        since=_date(text["since"]), until=_date(text["until"], end=True), **extra), text


@page()
async def inbox(request: Request):
    from wirewatch.views import inbox as read_inbox
    from wirewatch.views import inbox_choices, newest_alert_id

    console = request.app.state.console
    f, text = filters_of(request, before_id=_int(request.query_params.get("before")))
    rows, total = await in_thread(read_inbox, console.engine, f)
    choices = await in_thread(inbox_choices, console.engine)
    newest = await in_thread(newest_alert_id, console.engine)
    query = {k: v for k, v in text.items() if v}
    older = urlencode({**query, "before": rows[-1]["id"]}) if len(rows) == f.limit else None
    return console.render(request, "inbox.html", rows=rows, total=total, filters=text, choices=choices,
                          newest=newest, query=urlencode(query), older=older, paged=f.before_id is not None)


@page(fragment=True)
async def inbox_rows(request: Request):
    """New alerts since ``after_id`` under the same filters, as table rows (the live update)."""
    from wirewatch.views import inbox as read_inbox
    from wirewatch.views import newest_alert_id

    console = request.app.state.console
    after = _int(request.query_params.get("after_id")) or 0
    f, _text = filters_of(request, after_id=after, limit=100)
    rows, _total = await in_thread(read_inbox, console.engine, f)
    newest = max([after, *(r["id"] for r in rows)]) if rows else max(after, await in_thread(newest_alert_id,
                                                                                               console.engine))
    html = console.env.get_template("_alert_rows.html").render(rows=rows)
    return HTMLResponse(html, headers={"x-newest-id": str(newest), "x-new-count": str(len(rows))})


@page()
async def alert_page(request: Request):
    from wirewatch.views import alert_detail, ratings

    console = request.app.state.console
    alert_id = _int(request.path_params["alert_id"])
    detail = await in_thread(alert_detail, console.engine, alert_id) if alert_id is not None else None
    if detail is None:
        return console.render(request, "error.html", status=404,
                              message=f"No alert #{request.path_params['alert_id']}.")
    given = await in_thread(ratings, console.engine, alert_id)
    explanation = detail.row.explanation or {}
    return console.render(request, "alert.html", a=detail.row, view=detail.view, deliveries=detail.deliveries,
                          ratings=given, frame=explanation.get("event") or {}, explanation=explanation,
                          notice=request.query_params.get("done"))


@page(analyst=True)
async def alert_action(request: Request):
    from wirewatch.alert_actions import RATINGS, STATE_ACTIONS, rate_alert, set_alert_state

    console = request.app.state.console
    alert_id = _int(request.path_params["alert_id"])
    action = request.path_params["action"]
    form = request.state.form
    user = request.state.session.user
    if alert_id is None:
        return PlainTextResponse("no such alert", status_code=404)
    if action == "rate":
        rating = str(form.get("rating") or "")
        if rating not in RATINGS:
            return PlainTextResponse(f"rating must be one of {', '.join(RATINGS)}", status_code=400)
        note = str(form.get("note") or "").strip()[:2000] or None
        done = await in_thread(rate_alert, console.engine, alert_id, rating, note, user.username)
    elif action in STATE_ACTIONS:
        done = await in_thread(set_alert_state, console.engine, alert_id, action)
    else:
        return PlainTextResponse("unknown action", status_code=404)
    if done is None:
        return PlainTextResponse("no such alert", status_code=404)
    return RedirectResponse(f"/alerts/{alert_id}?done={action}", status_code=303)


ROUTES = [
    Route("/alerts", inbox),
    Route("/alerts/rows", inbox_rows),
    Route("/alerts/{alert_id}", alert_page),
    Route("/alerts/{alert_id}/{action}", alert_action, methods=["POST"]),
]
