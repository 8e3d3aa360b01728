"""The Web API methods the emulator implements, each returning Slack's success body.

A handler gets the request arguments (query, form or JSON, token removed) and returns the
fields that go next to ``"ok": true``; it raises ``ApiError`` for ``{"ok": false, ...}``.
Errors and shapes follow the method pages under https://api.slack.com/methods.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .workspace import Channel

if TYPE_CHECKING:
    from .web_api import WebApi

Args = dict[str, Any]
Handler = Callable[["WebApi", Args], Awaitable[dict[str, Any]]]
MAX_TEXT_LENGTH = 40_000


class ApiError(Exception):
    """A Slack error response: ``{"ok": false, "error": error}`` with HTTP 200, like Slack."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@attrs.frozen
class Method:
    """A Web API method: its handler, the token type it needs, whether it counts as a post."""

    handler: Handler
    token_type: Literal["bot", "app"] = "bot"
    is_post: bool = False


METHODS: dict[str, Method] = {}


def method(
    name: str, *, token_type: Literal["bot", "app"] = "bot", is_post: bool = False
) -> Callable[[Handler], Handler]:
    """Register ``handler`` as the Web API method ``name``."""

    def register(handler: Handler) -> Handler:
        METHODS[name] = Method(handler, token_type, is_post)
        return handler

    return register


# argument helpers ----------------------------------------------------------------------------


def required(args: Args, name: str, error: str = "invalid_arguments") -> str:
    """A required string argument; ``error`` if it is missing or empty."""
    value = args.get(name)
    if value in (None, ""):
        raise ApiError(error, response_metadata={"messages": [f"[ERROR] missing '{name}'"]})
    return str(value)


def json_arg(args: Args, name: str, error: str = "invalid_arguments") -> Any:
    """An argument that is JSON: a string in form posts, already decoded in JSON posts."""
    value = args.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(error) from None
    return value


def channel_arg(api: WebApi, args: Args, name: str = "channel") -> Channel:
    """The channel an argument names (a user id means the DM with them); channel_not_found."""
    channel = api.workspace.resolve_channel(str(args.get(name) or ""))
    if channel is None:
        raise ApiError("channel_not_found")
    return channel


def bot_message(api: WebApi, args: Args, ts: str) -> dict[str, Any]:
    """The message object Slack stores for a bot post."""
    workspace = api.workspace
    message: dict[str, Any] = {
        "type": "message",
        "user": workspace.bot_user.id,
        "bot_id": workspace.bot_id,
        "app_id": workspace.app_id,
        "team": workspace.team_id,
        "text": str(args.get("text") or ""),
        "ts": ts,
        "bot_profile": {"id": workspace.bot_id, "app_id": workspace.app_id, "name": "salon"},
    }
    blocks = json_arg(args, "blocks", "invalid_blocks")
    if blocks is not None:
        if not isinstance(blocks, list) or len(blocks) > 50:
            raise ApiError("invalid_blocks")
        message["blocks"] = blocks
    attachments = json_arg(args, "attachments", "invalid_attachments")
    if attachments is not None:
        message["attachments"] = attachments
    if args.get("thread_ts"):
        message["thread_ts"] = str(args["thread_ts"])
    return message


def check_text(args: Args) -> None:
    """Slack wants text, blocks or attachments, and text under 40,000 characters."""
    if not any(args.get(k) for k in ("text", "blocks", "attachments")):
        raise ApiError("no_text")
    if len(str(args.get("text") or "")) > MAX_TEXT_LENGTH:
        raise ApiError("msg_too_long")


# auth and connections ------------------------------------------------------------------------


@method("auth.test")
async def auth_test(api: WebApi, args: Args) -> dict[str, Any]:
    """``auth.test`` for the bot token."""
    return api.workspace.auth_test()


@method("apps.connections.open", token_type="app")
async def apps_connections_open(api: WebApi, args: Args) -> dict[str, Any]:
    """A one-time Socket Mode WebSocket URL (``ws://…/link/?ticket=…``)."""
    return {"url": api.open_socket_url()}


# messages ------------------------------------------------------------------------------------


@method("chat.postMessage", is_post=True)
async def chat_post_message(api: WebApi, args: Args) -> dict[str, Any]:
    """Post a message (text, blocks, thread_ts) and keep it in the channel history."""
    channel = channel_arg(api, args)
    check_text(args)
    message = bot_message(api, args, api.workspace.next_ts())
    api.workspace.store_message(channel.id, message)
    return {"channel": channel.id, "ts": message["ts"], "message": message}


@method("chat.postEphemeral", is_post=True)
async def chat_post_ephemeral(api: WebApi, args: Args) -> dict[str, Any]:
    """An ephemeral message to ``user`` in ``channel``; not kept in the history."""
    channel_arg(api, args)
    if required(args, "user", "user_not_found") not in api.workspace.users:
        raise ApiError("user_not_found")
    check_text(args)
    return {"message_ts": api.workspace.next_ts()}


@method("chat.update", is_post=True)
async def chat_update(api: WebApi, args: Args) -> dict[str, Any]:
    """Replace the text/blocks of one of the bot's messages."""
    channel = channel_arg(api, args)
    ts = required(args, "ts", "message_not_found")
    message = api.workspace.find_message(channel.id, ts)
    if message is None:
        raise ApiError("message_not_found")
    if message.get("bot_id") != api.workspace.bot_id:
        raise ApiError("cant_update_message")
    check_text(args)
    updated = bot_message(api, {**args, "thread_ts": message.get("thread_ts")}, ts)
    updated["edited"] = {"user": api.workspace.bot_user.id, "ts": api.workspace.next_ts()}
    api.workspace.store_message(channel.id, updated)
    return {"channel": channel.id, "ts": ts, "text": updated["text"], "message": updated}


@method("chat.delete", is_post=True)
async def chat_delete(api: WebApi, args: Args) -> dict[str, Any]:
    """Delete one of the bot's messages (a bot token deletes only its own)."""
    channel = channel_arg(api, args)
    ts = required(args, "ts", "message_not_found")
    message = api.workspace.find_message(channel.id, ts)
    if message is None:
        raise ApiError("message_not_found")
    if message.get("bot_id") != api.workspace.bot_id:
        raise ApiError("cant_delete_message")
    del api.workspace.messages[channel.id][ts]
    return {"channel": channel.id, "ts": ts}


@method("reactions.add", is_post=True)
async def reactions_add(api: WebApi, args: Args) -> dict[str, Any]:
    """Add the bot's reaction ``name`` to the message at ``timestamp``."""
    channel = channel_arg(api, args)
    name = required(args, "name", "invalid_name")
    ts = required(args, "timestamp", "no_item_specified")
    message = api.workspace.find_message(channel.id, ts)
    if message is None:
        raise ApiError("message_not_found")
    reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
    reaction = next((r for r in reactions if r["name"] == name), None)
    if reaction is None:
        reaction = {"name": name, "users": [], "count": 0}
        reactions.append(reaction)
    bot = api.workspace.bot_user.id
    if bot in reaction["users"]:
        raise ApiError("already_reacted")
    reaction["users"].append(bot)
    reaction["count"] += 1
    return {}


# conversations and users ---------------------------------------------------------------------


@method("conversations.open")
async def conversations_open(api: WebApi, args: Args) -> dict[str, Any]:
    """Open (or find) the bot's DM with one user; ``D…`` ids are stable per user."""
    if args.get("channel"):
        channel = channel_arg(api, args)
        return {"channel": channel.to_api() if args.get("return_im") else {"id": channel.id}}
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 1:
        raise ApiError("invalid_arguments", detail="the emulator opens one-to-one DMs only")
    if users[0] not in api.workspace.users:
        raise ApiError("user_not_found")
    already_open = any(c.is_im and c.user == users[0] for c in api.workspace.channels.values())
    channel = api.workspace.open_dm(users[0])
    body: dict[str, Any] = {
        "channel": channel.to_api() if args.get("return_im") else {"id": channel.id}
    }
    if already_open:
        body |= {"no_op": True, "already_open": True}
    return body


@method("conversations.info")
async def conversations_info(api: WebApi, args: Args) -> dict[str, Any]:
    """The channel object."""
    channel = api.workspace.channels.get(str(args.get("channel") or ""))
    if channel is None:
        raise ApiError("channel_not_found")
    return {"channel": channel.to_api()}


@method("users.info")
async def users_info(api: WebApi, args: Args) -> dict[str, Any]:
    """The user object."""
    user = api.workspace.users.get(str(args.get("user") or ""))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user.to_api()}


# views ---------------------------------------------------------------------------------------


@method("views.open", is_post=True)
async def views_open(api: WebApi, args: Args) -> dict[str, Any]:
    """Open a modal for a ``trigger_id`` the emulator issued (each works once)."""
    trigger_id = required(args, "trigger_id")
    view = json_arg(args, "view")
    if not isinstance(view, dict) or view.get("type") != "modal" or "title" not in view:
        raise ApiError("invalid_arguments")
    if trigger_id not in api.trigger_ids:
        raise ApiError("invalid_trigger_id")
    api.trigger_ids.discard(trigger_id)
    workspace = api.workspace
    return {
        "view": {
            "id": workspace.new_id("V"),
            "team_id": workspace.team_id,
            "app_id": workspace.app_id,
            "bot_id": workspace.bot_id,
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            **view,
            "state": {"values": {}},
            "hash": uuid.uuid4().hex,
            "root_view_id": None,
            "previous_view_id": None,
        }
    }


# files (https://api.slack.com/messaging/files#uploading_files) ------------------------------


@method("files.getUploadURLExternal")
async def files_get_upload_url_external(api: WebApi, args: Args) -> dict[str, Any]:
    """Reserve a file id and an upload URL on the emulator for ``length`` bytes."""
    filename = required(args, "filename")
    try:
        length = int(required(args, "length"))
    except ValueError:
        raise ApiError("invalid_arguments") from None
    file = api.reserve_upload(filename, length)
    return {"upload_url": api.upload_url(file.upload_key), "file_id": file.id}


@method("files.completeUploadExternal", is_post=True)
async def files_complete_upload_external(api: WebApi, args: Args) -> dict[str, Any]:
    """Finish uploads; with ``channel_id``/``channels``, share them there as one message."""
    items = json_arg(args, "files")
    if not isinstance(items, list) or not items:
        raise ApiError("invalid_arguments")
    workspace = api.workspace
    files = []
    for item in items:
        file = workspace.files.get(str(item.get("id")) if isinstance(item, dict) else "")
        if file is None or file.content is None:
            raise ApiError("file_not_found")
        file.title = item.get("title") or file.filename
        files.append(file)
    channel_ids = [str(args["channel_id"])] if args.get("channel_id") else []
    channel_ids += [c for c in str(args.get("channels") or "").split(",") if c]
    channels = [channel_arg(api, {"channel": c}) for c in channel_ids]
    shared_ts = workspace.next_ts() if channels else None
    for file in files:
        file.channels += [c.id for c in channels]
        file.thread_ts = args.get("thread_ts")
        file.initial_comment = args.get("initial_comment")
    for channel in channels:
        message = bot_message(api, {"text": args.get("initial_comment") or ""}, str(shared_ts))
        message |= {"files": [f.to_api(shared_ts) for f in files], "upload": True}
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        workspace.store_message(channel.id, message)
    return {"files": [f.to_api(shared_ts) for f in files]}
