"""The Slack emulator, proven with the real slack_sdk and slack_bolt talking to it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest
import pytest_asyncio
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.slack import SlackEmulator, serve_asgi, sign
from emulators.slack.fixtures import slack_emulator  # noqa: F401


@pytest.fixture
def slack(slack_emulator: SlackEmulator) -> SlackEmulator:  # noqa: F811
    """Shorter name inside this module."""
    return slack_emulator


@pytest.fixture
def client(slack: SlackEmulator) -> AsyncWebClient:
    """The real async Web API client, pointed at the emulator with the bot token."""
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


def bolt_app(slack: SlackEmulator, **kwargs: Any) -> AsyncApp:
    """A real Bolt app whose Web API calls go to the emulator."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    return AsyncApp(client=client, signing_secret=slack.signing_secret, **kwargs)


@pytest_asyncio.fixture
async def socket_app(slack: SlackEmulator) -> AsyncIterator[AsyncApp]:
    """A Bolt app connected over the emulator's Socket Mode; listeners are added by tests."""
    app = bolt_app(slack)
    handler = AsyncSocketModeHandler(app, slack.app_token)
    await handler.connect_async()
    try:
        yield app
    finally:
        await handler.close_async()


# Web API -------------------------------------------------------------------------------------


async def test_auth_test_describes_the_bot(client: AsyncWebClient, slack: SlackEmulator) -> None:
    response = await client.auth_test()

    assert response["ok"] is True
    assert response["user_id"] == slack.workspace.bot_user.id
    assert response["team_id"] == slack.workspace.team_id
    assert response["bot_id"] == slack.workspace.bot_id


async def test_post_message_is_recorded_and_kept(
    client: AsyncWebClient, slack: SlackEmulator
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]

    response = await client.chat_postMessage(
        channel="C0GENERAL", text="hi", blocks=blocks, thread_ts="1.000001"
    )

    assert response["channel"] == "C0GENERAL"
    assert response["message"]["blocks"] == blocks
    assert response["message"]["thread_ts"] == "1.000001"
    post = await slack.wait_for_post(lambda p: p["method"] == "chat.postMessage")
    assert post["args"]["text"] == "hi"
    assert slack.workspace.find_message("C0GENERAL", response["ts"]) is not None


async def test_update_replaces_a_message(client: AsyncWebClient, slack: SlackEmulator) -> None:
    posted = await client.chat_postMessage(channel="C0GENERAL", text="draft")

    updated = await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="final")

    assert updated["ts"] == posted["ts"]
    assert slack.workspace.messages["C0GENERAL"][posted["ts"]]["text"] == "final"


@pytest.mark.parametrize(
    ("token", "error"),
    [("xoxb-wrong", "invalid_auth"), (None, "not_authed"), ("app", "not_allowed_token_type")],
)
async def test_bad_tokens_are_refused(slack: SlackEmulator, token: str | None, error: str) -> None:
    client = AsyncWebClient(
        token=slack.app_token if token == "app" else token, base_url=slack.api_url
    )

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0GENERAL", text="hi")

    assert raised.value.response["error"] == error
    assert slack.posted == []


async def test_token_as_form_field_but_not_inside_json(slack: SlackEmulator) -> None:
    async with httpx.AsyncClient(base_url=slack.api_url) as http:
        form = await http.post("auth.test", data={"token": slack.bot_token})
        json_body = await http.post("auth.test", json={"token": slack.bot_token})
        bad_json = await http.post(
            "auth.test",
            content=b"{",
            headers={
                "Authorization": f"Bearer {slack.bot_token}",
                "Content-Type": "application/json",
            },
        )

    assert form.json()["ok"] is True
    assert json_body.json() == {"ok": False, "error": "not_authed"}
    assert bad_json.json() == {"ok": False, "error": "invalid_json"}


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_unknown_ids_give_slack_errors(client: AsyncWebClient) -> None:
    for call, error in [
        (client.chat_postMessage(channel="C404", text="hi"), "channel_not_found"),
        (client.users_info(user="U404"), "user_not_found"),
        (client.conversations_info(channel="C404"), "channel_not_found"),
        (client.conversations_open(users="U404"), "user_not_found"),
        (client.chat_postMessage(channel="C0GENERAL"), "no_text"),
    ]:
        with pytest.raises(SlackApiError) as raised:
            await call
        assert raised.value.response["error"] == error


async def test_workspace_lookups(client: AsyncWebClient, slack: SlackEmulator) -> None:
    bob = slack.add_user("bob", real_name="Bob Builder", tz="Europe/Paris")
    salon = slack.add_channel("salon")

    user = (await client.users_info(user=bob.id))["user"]
    channel = (await client.conversations_info(channel=salon.id))["channel"]
    dm = (await client.conversations_open(users=bob.id))["channel"]
    again = await client.conversations_open(users=bob.id)

    assert (user["real_name"], user["tz"]) == ("Bob Builder", "Europe/Paris")
    assert (channel["name"], channel["is_channel"]) == ("salon", True)
    assert dm["id"].startswith("D")
    assert again["channel"]["id"] == dm["id"]
    assert again["already_open"] is True


async def test_reactions_on_a_user_message(client: AsyncWebClient, slack: SlackEmulator) -> None:
    event = slack.event_payload({"type": "message", "channel": "C0GENERAL", "user": "U0ALICE"})
    ts = event["event"]["ts"]

    await client.reactions_add(channel="C0GENERAL", timestamp=ts, name="tada")

    with pytest.raises(SlackApiError) as raised:
        await client.reactions_add(channel="C0GENERAL", timestamp=ts, name="tada")
    assert raised.value.response["error"] == "already_reacted"
    reactions = slack.workspace.messages["C0GENERAL"][ts]["reactions"]
    assert reactions == [{"name": "tada", "users": ["U0BOT"], "count": 1}]


async def test_views_open_needs_an_issued_trigger_id(
    client: AsyncWebClient, slack: SlackEmulator
) -> None:
    trigger_id = slack.slash_command_payload("/salon", "goal")["trigger_id"]
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Goal"}, "blocks": []}

    opened = await client.views_open(trigger_id=trigger_id, view=view)

    assert opened["view"]["id"].startswith("V")
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id=trigger_id, view=view)
    assert raised.value.response["error"] == "invalid_trigger_id"


async def test_rate_limited_call_fails_with_retry_after(
    client: AsyncWebClient, slack: SlackEmulator
) -> None:
    slack.rate_limit(method="chat.postMessage", times=1, retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0GENERAL", text="hi")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"


async def test_rate_limit_then_success_with_the_sdk_retry_handler(slack: SlackEmulator) -> None:
    client = AsyncWebClient(
        token=slack.bot_token,
        base_url=slack.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )
    slack.rate_limit(method="chat.postMessage", times=1, retry_after=0)

    response = await client.chat_postMessage(channel="C0GENERAL", text="eventually")

    assert response["ok"] is True
    assert [c["status"] for c in slack.calls] == [429, 200]
    assert [p["args"]["text"] for p in slack.posted] == ["eventually"]


async def test_injected_failure(client: AsyncWebClient, slack: SlackEmulator) -> None:
    slack.fail("chat.postMessage", "fatal_error")

    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C0GENERAL", text="hi")
    await client.chat_postMessage(channel="C0GENERAL", text="hi")

    assert [c["response"]["ok"] for c in slack.calls] == [False, True]


async def test_file_upload_flow(client: AsyncWebClient, slack: SlackEmulator) -> None:
    response = await client.files_upload_v2(
        channel="C0GENERAL",
        content=b"\x89PNG chart bytes",
        filename="chart.png",
        title="Weekly chart",
        initial_comment="This week",
    )

    file = slack.files[response["file"]["id"]]
    assert file.content == b"\x89PNG chart bytes"
    assert (file.title, file.channels) == ("Weekly chart", ["C0GENERAL"])
    post = await slack.wait_for_post(lambda p: p["method"] == "files.completeUploadExternal")
    assert post["args"]["channel_id"] == "C0GENERAL"
    shared = slack.workspace.history("C0GENERAL")[-1]
    assert (shared["text"], shared["files"][0]["id"]) == ("This week", file.id)


async def test_multipart_upload_to_the_upload_url(
    client: AsyncWebClient, slack: SlackEmulator
) -> None:
    reserved = await client.files_getUploadURLExternal(filename="notes.txt", length=5)

    async with httpx.AsyncClient() as http:
        files = {"file": ("notes.txt", b"notes", "text/plain")}
        uploaded = await http.post(reserved["upload_url"], files=files)

    assert (uploaded.status_code, uploaded.text) == (200, "OK - 5")
    assert slack.files[reserved["file_id"]].content == b"notes"


# Socket Mode ---------------------------------------------------------------------------------


async def test_socket_mode_protocol_with_a_raw_websocket(slack: SlackEmulator) -> None:
    app_client = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    url = (await app_client.apps_connections_open(app_token=slack.app_token))["url"]

    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        hello = await ws.receive_json(timeout=5)
        envelope = await slack.send_event({"type": "app_mention", "channel": "C0GENERAL"})
        received = await ws.receive_json(timeout=5)
        await ws.send_json({"envelope_id": envelope["envelope_id"]})
        ack = await slack.wait_for_ack(envelope["envelope_id"])

        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(url)  # tickets are single-use

    assert hello["type"] == "hello"
    assert hello["connection_info"]["app_id"] == slack.workspace.app_id
    assert received == envelope
    assert received["type"] == "events_api"
    assert received["payload"]["type"] == "event_callback"
    assert ack == {"envelope_id": envelope["envelope_id"]}


async def test_bolt_replies_to_a_message_over_socket_mode(
    slack: SlackEmulator, socket_app: AsyncApp
) -> None:
    @socket_app.message("hello")
    async def greet(message: dict[str, Any], say: Any) -> None:
        await say(f"hi <@{message['user']}>", thread_ts=message["ts"])

    envelope = await slack.send_event(
        {"type": "message", "channel": "C0GENERAL", "user": "U0ALICE", "text": "hello salon"}
    )

    await slack.wait_for_ack(envelope["envelope_id"])
    post = await slack.wait_for_post(lambda p: p["method"] == "chat.postMessage")
    assert post["args"]["channel"] == "C0GENERAL"
    assert post["args"]["text"] == "hi <@U0ALICE>"
    assert post["args"]["thread_ts"] == envelope["payload"]["event"]["ts"]
    assert envelope["envelope_id"] in slack.acks


async def test_bolt_handles_a_slash_command_over_socket_mode(
    slack: SlackEmulator, socket_app: AsyncApp
) -> None:
    @socket_app.command("/salon")
    async def salon(ack: Any, command: dict[str, Any], say: Any) -> None:
        await ack(f"got {command['text']}")
        await say("pong")

    envelope = await slack.send_slash_command(command="/salon", text="ping", user_id="U0ALICE")

    ack = await slack.wait_for_ack(envelope["envelope_id"])
    assert ack["payload"] == {"text": "got ping"}
    post = await slack.wait_for_post(lambda p: p["method"] == "chat.postMessage")
    assert (post["args"]["channel"], post["args"]["text"]) == ("C0GENERAL", "pong")


async def test_bolt_handles_a_block_action_over_socket_mode(
    client: AsyncWebClient, slack: SlackEmulator, socket_app: AsyncApp
) -> None:
    @socket_app.action("approve")
    async def approve(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        await respond(f"approved {body['actions'][0]['value']}", replace_original=True)

    await client.chat_postMessage(channel="C0GENERAL", text="Approve?")
    envelope = await slack.send_block_action("approve", value="goal-1")

    await slack.wait_for_ack(envelope["envelope_id"])
    post = await slack.wait_for_post(lambda p: p["method"] == "response_url")
    assert post["args"]["text"] == "approved goal-1"
    assert envelope["payload"]["container"]["message_ts"] == slack.posted[0]["response"]["ts"]


async def test_redelivery_keeps_the_event_id(slack: SlackEmulator, socket_app: AsyncApp) -> None:
    @socket_app.event("app_mention")
    async def mention() -> None:
        pass

    first = await slack.send_event({"type": "app_mention", "channel": "C0GENERAL", "text": "x"})
    await slack.wait_for_ack(first["envelope_id"])
    retry = await slack.redeliver(first["envelope_id"], retry_reason="timeout")
    await slack.wait_for_ack(retry["envelope_id"])

    assert retry["envelope_id"] != first["envelope_id"]
    assert (retry["retry_attempt"], retry["retry_reason"]) == (1, "timeout")
    assert retry["payload"]["event_id"] == first["payload"]["event_id"]
    assert set(slack.acks) == {first["envelope_id"], retry["envelope_id"]}


async def test_sdk_client_reconnects_when_asked(slack: SlackEmulator) -> None:
    web_client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    client = SocketModeClient(app_token=slack.app_token, web_client=web_client)
    await client.connect()
    try:
        await slack.wait_for_connection(count=1)
        await slack.request_reconnect()
        await slack.wait_for_connection(count=2)
    finally:
        await client.close()
    opens = [c for c in slack.calls if c["method"] == "apps.connections.open"]
    assert len(opens) == 2


# HTTP Events API -----------------------------------------------------------------------------


@pytest_asyncio.fixture
async def http_app(slack: SlackEmulator) -> AsyncIterator[tuple[AsyncApp, str]]:
    """A Bolt app served over HTTP by Starlette + uvicorn; yields it and its events URL."""
    app = bolt_app(slack)
    handler = AsyncSlackRequestHandler(app)

    async def endpoint(request: Request) -> Response:
        return await handler.handle(request)

    routes = [Route("/slack/events", endpoint, methods=["POST"])]
    async with serve_asgi(Starlette(routes=routes)) as url:
        yield app, f"{url}/slack/events"


async def test_signed_http_event_reaches_bolt(
    slack: SlackEmulator, http_app: tuple[AsyncApp, str]
) -> None:
    app, url = http_app

    @app.event("app_mention")
    async def mention(event: dict[str, Any], say: Any) -> None:
        await say("over http")

    response = await slack.post_event_http(url, {"type": "app_mention", "channel": "C0GENERAL"})

    assert response.status_code == 200
    post = await slack.wait_for_post()
    assert post["args"]["text"] == "over http"


async def test_url_verification_is_answered_by_bolt(
    slack: SlackEmulator, http_app: tuple[AsyncApp, str]
) -> None:
    _, url = http_app

    response = await slack.post_url_verification_http(url)

    assert response.status_code == 200
    assert response.json()["challenge"]


@pytest.mark.parametrize(
    "signing", [{"forge": True}, {"timestamp": int(time.time()) - 600}], ids=["forged", "stale"]
)
async def test_bad_signatures_are_rejected(
    slack: SlackEmulator, http_app: tuple[AsyncApp, str], signing: dict[str, Any]
) -> None:
    _, url = http_app

    response = await slack.post_event_http(url, {"type": "app_mention"}, **signing)

    assert response.status_code == 401


async def test_slash_command_and_interaction_over_http(
    slack: SlackEmulator, http_app: tuple[AsyncApp, str]
) -> None:
    app, url = http_app

    @app.command("/salon")
    async def salon(ack: Any, command: dict[str, Any]) -> None:
        await ack(f"http {command['text']}")

    @app.action("approve")
    async def approve(ack: Any) -> None:
        await ack()

    command = await slack.post_slash_command_http(url, "/salon", "ping")
    payload = slack.block_action_payload("approve", message={"ts": "1.000001", "text": "?"})
    action = await slack.post_interactivity_http(url, payload)

    assert (command.status_code, command.text) == (200, "http ping")
    assert action.status_code == 200


def test_signature_matches_slacks_documented_example() -> None:
    # https://api.slack.com/authentication/verifying-requests-from-slack#a_recipe_for_security
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
        "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
        "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    signature = sign("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body)
    assert signature == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


async def test_late_ack_is_retried_with_retry_headers(slack: SlackEmulator) -> None:
    received: list[tuple[str | None, str | None]] = []
    release = asyncio.Event()

    async def slow_then_fast(request: Request) -> Response:
        received.append(
            (request.headers.get("x-slack-retry-num"), request.headers.get("x-slack-retry-reason"))
        )
        if len(received) == 1:
            await release.wait()  # the first delivery is not acked in time
        return Response(status_code=200)

    app = Starlette(routes=[Route("/events", slow_then_fast, methods=["POST"])])
    async with serve_asgi(app) as url:
        attempts = await slack.deliver_event_http(
            f"{url}/events", {"type": "app_mention"}, ack_timeout=0.5
        )
        release.set()

    assert [a.error for a in attempts] == ["http_timeout", None]
    assert attempts[-1].is_acked
    assert received == [(None, None), ("1", "http_timeout")]


# files members share and deletions -----------------------------------------------------------


async def test_a_members_file_downloads_only_with_the_bot_token(
    slack: SlackEmulator, client: AsyncWebClient
) -> None:
    event = slack.share_file_event("C0GENERAL", "ch1.md", b"# One", text="my chapter")
    [file] = event["files"]
    assert event["subtype"] == "file_share"
    assert (file["name"], file["mimetype"], file["size"], file["user"]) == (
        "ch1.md",
        "text/markdown",
        5,
        "U0ALICE",
    )
    async with httpx.AsyncClient() as http:
        anonymous = await http.get(file["url_private_download"])
        wrong = await http.get(file["url_private"], headers={"Authorization": "Bearer xoxb-no"})
        right = await http.get(
            file["url_private"], headers={"Authorization": f"Bearer {slack.bot_token}"}
        )
    assert anonymous.status_code == wrong.status_code == 302  # to the sign-in page
    assert right.status_code == 200 and right.content == b"# One"


async def test_chat_delete_removes_only_the_bots_own_messages(
    slack: SlackEmulator, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C0GENERAL", text="bye")
    await client.chat_delete(channel="C0GENERAL", ts=posted["ts"])
    assert slack.workspace.find_message("C0GENERAL", posted["ts"]) is None
    slack.workspace.store_message("C0GENERAL", {"type": "message", "user": "U0ALICE", "ts": "1.5"})
    with pytest.raises(SlackApiError) as refused:
        await client.chat_delete(channel="C0GENERAL", ts="1.5")
    assert refused.value.response["error"] == "cant_delete_message"
