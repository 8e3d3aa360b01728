"""The live iCal feeds, served on salon's web server.

``/events/<token>.ics`` is the community's feed (every public event, recent and upcoming);
``/events/me/<token>.ics`` a member's own (the events they are going to, private ones
included). Tokens are 32 random bytes; a wrong one gets a bare 404 that tells nothing, not
even whether such a feed exists. Organisers rotate the community token (old links stop);
a member renews their own.
"""

from __future__ import annotations

import hmac
import secrets
import weakref
from collections import OrderedDict
from datetime import datetime, timedelta

from salon.core import (
    Bot,
    Context,
    Event,
    WebRequest,
    WebResponse,
    WebRoute,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.events import ics, planning, store, tables
from salon.plugins.events.store import GOING

COMMUNITY_TOKEN = "events:feed-token"
#: Feeds built lately, per bot: calendar apps poll, and building with icalendar costs ~1 ms
#: an event, so a feed is rebuilt only when one of its events changed.
_BUILT: weakref.WeakKeyDictionary[Bot, OrderedDict[object, tuple[tuple[Event, ...], bytes]]]
_BUILT = weakref.WeakKeyDictionary()
_KEPT_FEEDS = 256
#: Cancelled and past events stay in the feed this long, so calendars see the change.
KEPT = timedelta(days=30)
_NOT_FOUND = WebResponse(b"Not Found", status=404)


def routes() -> list[WebRoute]:
    return [
        WebRoute("/events/me/{token}.ics", member_feed),
        WebRoute("/events/{token}.ics", community_feed),
    ]


def _new_token() -> str:
    return secrets.token_urlsafe(32)


async def community_token(bot: Bot) -> str:
    """The community feed's token, made on first use."""
    token = await bot.get_state(COMMUNITY_TOKEN)
    if token:
        return str(token)
    token = _new_token()
    await bot.set_state(COMMUNITY_TOKEN, token)
    return token


async def member_token(db: AsyncConnection, person_id: int) -> str:
    token = (
        await db.execute(
            sa.select(tables.feeds.c.token).where(tables.feeds.c.person_id == person_id)
        )
    ).scalar()
    if token:
        return str(token)
    token = _new_token()
    await db.execute(tables.feeds.insert().values(person_id=person_id, token=token))
    return token


def base_url(bot: Bot) -> str:
    configured = planning.settings(bot).public_url.rstrip("/")
    return configured or f"http://{bot.config.web.host}:{bot.config.web.port}"


def _built(bot: Bot, feed: object, events: list[Event], name: str, now: datetime) -> bytes:
    """The feed's iCalendar text, from the cache while its events are unchanged."""
    built = _BUILT.setdefault(bot, OrderedDict())
    key = tuple(events)
    cached = built.get(feed)
    if cached is not None and cached[0] == key:
        built.move_to_end(feed)
        return cached[1]
    body = ics.calendar(events, bot.community.name, now, name=name)
    built[feed] = (key, body)
    built.move_to_end(feed)
    while len(built) > _KEPT_FEEDS:
        built.popitem(last=False)
    return body


def _calendar(body: bytes) -> WebResponse:
    return WebResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"cache-control": "no-cache", "content-disposition": "inline; filename=events.ics"},
    )


async def community_feed(request: WebRequest, bot: Bot) -> WebResponse:
    wanted = str(await bot.get_state(COMMUNITY_TOKEN) or "")
    given = request.path_params.get("token", "")
    if not wanted or not hmac.compare_digest(wanted.encode(), given.encode()):
        return _NOT_FOUND
    now = bot.clock.now()
    async with bot.read() as db:
        found = [s.event for s in await store.since(db, now - KEPT) if not s.event.private]
    name = f"{bot.community.name} events"
    return _calendar(_built(bot, "community", found, name, now))


async def member_feed(request: WebRequest, bot: Bot) -> WebResponse:
    given = request.path_params.get("token", "")
    if len(given) < 20:
        return _NOT_FOUND
    now = bot.clock.now()
    async with bot.read() as db:
        person_id = (
            await db.execute(
                sa.select(tables.feeds.c.person_id).where(tables.feeds.c.token == given)
            )
        ).scalar()
        if person_id is None:
            return _NOT_FOUND
        going = (
            await db.execute(
                sa.select(tables.rsvps.c.event_id).where(
                    tables.rsvps.c.person_id == person_id, tables.rsvps.c.answer == GOING
                )
            )
        ).all()
        ids = {row.event_id for row in going}
        found = [s.event for s in await store.since(db, now - KEPT) if s.event.id in ids]
    name = f"{bot.community.name}: my events"
    return _calendar(_built(bot, person_id, found, name, now))


async def feed_command(ctx: Context) -> None:
    """``events feed``: the member's links, in a DM."""
    shared = await community_token(ctx.bot)
    async with ctx.transaction() as db:
        own = await member_token(db, ctx.person.id)
    base = base_url(ctx.bot)
    community_url = f"{base}/events/{shared}.ics"
    own_url = f"{base}/events/me/{own}.ics"
    ctx.send_direct(
        ctx.member.ref,
        lines(
            md(bold("Calendar feeds"), " (subscribe in your calendar app; they update themselves)"),
            md("Every event of ", ctx.bot.community.name, ": ", community_url),
            md("Only the events you're going to: ", own_url),
            md(
                italic("Keep these links to yourself. "),
                code("events feed renew"),
                italic(" gives you a new personal link."),
            ),
        ),
    )
    if not ctx.space.is_direct:
        ctx.reply("I've sent you the calendar links in a direct message.")


async def rotate(ctx: Context) -> None:
    """``events feed rotate`` (organisers): a new community token; old links stop working."""
    async with ctx.transaction() as db:
        await ctx.bot.set_state(COMMUNITY_TOKEN, _new_token(), db)
    ctx.reply(
        md("The community feed has a new link; the old one no longer works. Members get it with "),
        code("events feed"),
        ".",
    )


async def renew(ctx: Context) -> None:
    """``events feed renew``: a new personal token."""
    async with ctx.transaction() as db:
        await db.execute(tables.feeds.delete().where(tables.feeds.c.person_id == ctx.person.id))
        await member_token(db, ctx.person.id)
    ctx.reply(
        md("Your personal feed has a new link (the old one stopped working); see "),
        code("events feed"),
        ".",
    )
