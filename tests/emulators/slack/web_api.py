"""The HTTP side of the emulator: ``/api/<method>``, the file upload URLs and response URLs.

Slack answers errors with HTTP 200 and ``{"ok": false, "error": …}``; only rate limiting uses
a status code (429 with ``Retry-After``), https://api.slack.com/apis/rate-limits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .methods import METHODS, ApiError, Method
from .recorder import Recorder
from .workspace import BOT_SCOPES, UploadedFile, Workspace


@attrs.define
class InjectedFailure:
    """A rule answering the next ``times`` calls of ``method`` (None: any) with an error."""

    method: str | None
    times: int
    status: int = 200
    error: str = "ratelimited"
    retry_after: int | None = None

    def matches(self, method: str) -> bool:
        """Whether this rule still applies to ``method``."""
        return self.times > 0 and self.method in (None, method)


class WebApi:
    """The Web API: token checks, failure injection, dispatch to ``METHODS``, recording."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        bot_token: str,
        app_token: str,
        open_socket_url: Callable[[], str],
    ) -> None:
        self.workspace = workspace
        self.bot_token = bot_token
        self.app_token = app_token
        self.open_socket_url = open_socket_url
        self.base_url = ""
        self.trigger_ids: set[str] = set()
        self.calls: Recorder[dict[str, Any]] = Recorder()
        self.posted: Recorder[dict[str, Any]] = Recorder()
        self.failures: list[InjectedFailure] = []
        self._uploads: dict[str, UploadedFile] = {}

    @property
    def routes(self) -> list[Route]:
        """The Starlette routes this part serves."""
        return [
            Route("/api/{method}", self.handle_method, methods=["GET", "POST"]),
            Route("/upload/v1/{key}", self.handle_upload, methods=["POST"]),
            Route("/files-pri/{team_file}/{name}", self.handle_file_download, methods=["GET"]),
            Route("/response_url/{key}", self.handle_response_url, methods=["POST"]),
        ]

    # helpers for methods and tests --------------------------------------------------------

    def reserve_upload(self, filename: str, length: int) -> UploadedFile:
        """A new file waiting for its bytes at ``upload_url(file.upload_key)``."""
        file = UploadedFile(
            id=self.workspace.new_id("F"),
            filename=filename,
            length=length,
            upload_key=uuid.uuid4().hex,
        )
        self.workspace.files[file.id] = file
        self._uploads[file.upload_key] = file
        return file

    def member_file(
        self, user: str, filename: str, content: bytes, mimetype: str | None = None
    ) -> UploadedFile:
        """A file ``user`` uploaded from their client, downloadable from its ``url_private``
        with the bot token (https://api.slack.com/types/file#auth)."""
        file = UploadedFile(
            id=self.workspace.new_id("F"),
            filename=filename,
            length=len(content),
            upload_key=uuid.uuid4().hex,
            content=content,
            user=user,
            mimetype=mimetype,
        )
        file.url_private = (
            f"{self.base_url}/files-pri/{self.workspace.team_id}-{file.id}/{filename}"
        )
        self.workspace.files[file.id] = file
        return file

    def upload_url(self, key: str) -> str:
        """Where the bot POSTs a file's bytes (Slack's ``files.slack.com/upload/v1/…``)."""
        return f"{self.base_url}/upload/v1/{key}"

    def new_response_url(self) -> str:
        """A ``response_url`` for a slash command or interaction; posts to it are recorded."""
        return f"{self.base_url}/response_url/{uuid.uuid4().hex}"

    def new_trigger_id(self, trigger_id: str) -> str:
        """Remember ``trigger_id`` as issued, so ``views.open`` accepts it once."""
        self.trigger_ids.add(trigger_id)
        return trigger_id

    # endpoints ----------------------------------------------------------------------------

    async def handle_method(self, request: Request) -> Response:
        """``/api/<method>``: authenticate, maybe fail on purpose, run the method, record."""
        name = request.path_params["method"]
        method = METHODS.get(name)
        args: dict[str, Any] = {}
        try:
            args, form_token = await _read_args(request)
            token = _bearer_token(request) or form_token
            if method is None:
                raise ApiError("unknown_method")
            self._check_token(token, method)
            injected = self._take_failure(name)
            if injected is not None:
                return await self._fail(name, args, injected)
            body = {"ok": True, **await method.handler(self, args)}
        except ApiError as e:
            body = {"ok": False, "error": e.error, **e.extra}
        await self.calls.record({"method": name, "args": args, "status": 200, "response": body})
        if body["ok"] and method is not None and method.is_post:
            await self.posted.record({"method": name, "args": args, "response": body})
        return JSONResponse(body, headers={"X-OAuth-Scopes": BOT_SCOPES})

    async def handle_upload(self, request: Request) -> Response:
        """The upload URL: accept raw bytes (what slack_sdk sends) or a multipart file part."""
        file = self._uploads.get(request.path_params["key"])
        if file is None:
            return PlainTextResponse("Not Found", status_code=404)
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        file.content = _multipart_file(body, content_type) if "multipart" in content_type else body
        return PlainTextResponse(f"OK - {len(file.content)}")

    async def handle_file_download(self, request: Request) -> Response:
        """``url_private``: the bytes for a request with the bot token; like Slack, anything
        else is redirected to the sign-in page rather than refused with a status."""
        _, _, file_id = request.path_params["team_file"].partition("-")
        file = self.workspace.files.get(file_id)
        await self.calls.record(
            {
                "method": "files-pri",
                "args": {"file": file_id},
                "status": 200,
                "authorized": _bearer_token(request) == self.bot_token,
            }
        )
        if _bearer_token(request) != self.bot_token:
            return Response(status_code=302, headers={"Location": f"{self.base_url}/signin"})
        if file is None or file.content is None:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(
            file.content,
            media_type=file.to_api()["mimetype"],
            headers={"Content-Length": str(len(file.content))},
        )

    async def handle_response_url(self, request: Request) -> Response:
        """A ``response_url``: record the JSON as a post of method ``response_url``."""
        args = await request.json()
        args["response_url"] = str(request.url)
        await self.posted.record({"method": "response_url", "args": args, "response": "ok"})
        return PlainTextResponse("ok")

    # internals ----------------------------------------------------------------------------

    def _check_token(self, token: str, method: Method) -> None:
        if not token:
            raise ApiError("not_authed")
        if token not in (self.bot_token, self.app_token):
            raise ApiError("invalid_auth")
        expected = self.app_token if method.token_type == "app" else self.bot_token
        if token != expected:
            raise ApiError("not_allowed_token_type")

    def _take_failure(self, method: str) -> InjectedFailure | None:
        rule = next((r for r in self.failures if r.matches(method)), None)
        if rule is not None:
            rule.times -= 1
        return rule

    async def _fail(self, name: str, args: dict[str, Any], rule: InjectedFailure) -> Response:
        body = {"ok": False, "error": rule.error}
        headers = {}
        if rule.retry_after is not None:
            headers["Retry-After"] = str(rule.retry_after)
        await self.calls.record(
            {"method": name, "args": args, "status": rule.status, "response": body}
        )
        return JSONResponse(body, status_code=rule.status, headers=headers)


async def _read_args(request: Request) -> tuple[dict[str, Any], str]:
    """Query string, then the form or JSON body, as one dict (slack_sdk uses all three),
    and the ``token`` argument. Like Slack, a token inside a JSON body does not count:
    JSON posts must authenticate with the Authorization header."""
    args: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        args.update(parse_qsl(body.decode(), keep_blank_values=True))
    token = str(args.pop("token", "") or "")
    if content_type.startswith("application/json") and body:
        try:
            decoded = json.loads(body)
        except ValueError:
            raise ApiError("invalid_json") from None
        if not isinstance(decoded, dict):
            raise ApiError("invalid_json")
        decoded.pop("token", None)
        args.update(decoded)
    return args, token


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _multipart_file(body: bytes, content_type: str) -> bytes:
    """The first file part of a multipart body (the stdlib parser; no python-multipart here)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    for part in message.iter_parts():
        if part.get_filename() is not None:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return b""
