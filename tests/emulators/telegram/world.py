"""The emulator's small Telegram world: the bot, users, chats, forum topics and stored messages.

Everything is rendered as the Bot API's JSON objects (``to_api``) so what the bot receives has
the shape real Telegram sends: ``from``/``chat``/``date`` on every message, ``message_thread_id``
plus ``is_topic_message`` inside forum topics, and a ``reply_to_message`` without its own reply.
"""

from __future__ import annotations

import copy
import itertools
import time
from typing import Any, Literal

import attrs

__all__ = ["Chat", "ChatType", "ForumTopic", "StoredFile", "User", "World"]

ChatType = Literal["private", "group", "supergroup", "channel"]

# Telegram's id spaces: users positive, basic groups negative, supergroups -100xxxxxxxxxx.
_FIRST_USER_ID = 10_001
_FIRST_GROUP_ID = -4_000_000_001
_SUPERGROUP_BASE = -1_000_000_000_000


@attrs.frozen
class User:
    """A Telegram user (or bot) as the Bot API ``User`` object describes it."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``User`` JSON object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@attrs.frozen
class Chat:
    """A chat: ``private`` (id == the user's id), ``group``, ``supergroup`` or ``channel``."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``Chat`` JSON object (as embedded in a ``Message``)."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.is_forum:
            data["is_forum"] = True
        return data

    def to_full_info(self) -> dict[str, Any]:
        """The Bot API ``ChatFullInfo`` object ``getChat`` returns (required fields included)."""
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


@attrs.frozen
class ForumTopic:
    """A topic of a forum supergroup; its id is the id of its ``forum_topic_created`` message."""

    chat_id: int
    message_thread_id: int
    name: str
    icon_color: int = 0x6FB9F0


@attrs.frozen
class StoredFile:
    """Bytes the bot uploaded (or a test registered), reachable by ``file_id``."""

    file_id: str
    file_unique_id: str
    data: bytes
    filename: str | None
    content_type: str | None

    @property
    def file_path(self) -> str:
        """The path ``getFile`` hands out, served under ``/file/bot<token>/``."""
        return f"files/{self.file_unique_id}"

    def to_document(self) -> dict[str, Any]:
        """The ``Document`` object of a message carrying this file."""
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.filename:
            document["file_name"] = self.filename
        if self.content_type:
            document["mime_type"] = self.content_type
        return document


@attrs.define
class World:
    """Mutable state of the emulated Telegram: who exists, who started the bot, what was said."""

    bot: User
    users: dict[int, User] = attrs.Factory(dict)
    chats: dict[int, Chat] = attrs.Factory(dict)
    topics: dict[tuple[int, int], ForumTopic] = attrs.Factory(dict)
    messages: dict[tuple[int, int], dict[str, Any]] = attrs.Factory(dict)
    files: dict[str, StoredFile] = attrs.Factory(dict)
    started: set[int] = attrs.Factory(set)
    blocked: set[int] = attrs.Factory(set)
    _message_ids: dict[int, itertools.count[int]] = attrs.Factory(dict)
    _user_ids: itertools.count[int] = attrs.Factory(lambda: itertools.count(_FIRST_USER_ID))
    _group_ids: itertools.count[int] = attrs.Factory(lambda: itertools.count(1))
    _file_ids: itertools.count[int] = attrs.Factory(lambda: itertools.count(1))

    # -- people and places -------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        username: str | None = None,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
        is_bot: bool = False,
    ) -> User:
        """Create a user (or another bot); their private chat with the bot exists
        (``chat.id == user.id``)."""
        user = User(
            id=user_id if user_id is not None else next(self._user_ids),
            first_name=first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
            is_bot=is_bot,
        )
        self.users[user.id] = user
        self.chats[user.id] = Chat(
            id=user.id,
            type="private",
            username=username,
            first_name=first_name,
            last_name=last_name,
        )
        return user

    def private_chat(self, user: User) -> Chat:
        """The private chat between ``user`` and the bot."""
        return self.chats[user.id]

    def add_group(
        self,
        title: str,
        *,
        supergroup: bool = False,
        forum: bool = False,
        username: str | None = None,
    ) -> Chat:
        """Create a group the bot is a member of; ``forum=True`` implies a supergroup."""
        number = next(self._group_ids)
        if supergroup or forum:
            chat = Chat(
                id=_SUPERGROUP_BASE - number,
                type="supergroup",
                title=title,
                username=username,
                is_forum=forum,
            )
        else:
            chat = Chat(id=_FIRST_GROUP_ID - number, type="group", title=title, username=username)
        self.chats[chat.id] = chat
        return chat

    def add_topic(self, chat: Chat, name: str, *, creator: User | None = None) -> ForumTopic:
        """Open a forum topic; stores its ``forum_topic_created`` service message."""
        if not chat.is_forum:
            raise ValueError(f"chat {chat.id} is not a forum")
        message_id = self.next_message_id(chat.id)
        topic = ForumTopic(chat_id=chat.id, message_thread_id=message_id, name=name)
        self.topics[(chat.id, message_id)] = topic
        service = {
            "message_id": message_id,
            "from": (creator or self.bot).to_api(),
            "chat": chat.to_api(),
            "date": int(time.time()),
            "message_thread_id": message_id,
            "forum_topic_created": {"name": name, "icon_color": topic.icon_color},
            "is_topic_message": True,
        }
        self.store(service)
        return topic

    def resolve_chat(self, chat_id: int | str) -> Chat | None:
        """Find a chat by numeric id or ``@username`` as ``chat_id`` parameters allow."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            wanted = chat_id[1:].lower()
            return next(
                (
                    chat
                    for chat in self.chats.values()
                    if chat.type != "private" and (chat.username or "").lower() == wanted
                ),
                None,
            )
        try:
            return self.chats.get(int(chat_id))
        except ValueError:
            return None

    # -- messages ----------------------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count up per chat, as they do in private chats and groups."""
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def store(self, message: dict[str, Any]) -> None:
        """Keep the latest version of a message (for replies, edits and button presses)."""
        self.messages[(message["chat"]["id"], message["message_id"])] = message

    def delete(self, chat_id: int, message_id: int) -> None:
        """Forget a message (deleteMessage)."""
        self.messages.pop((chat_id, message_id), None)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The latest stored version of a message, or None."""
        return self.messages.get((chat_id, message_id))

    def build_message(
        self,
        sender: User,
        chat: Chat,
        *,
        message_thread_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A new, stored ``Message`` with the next id, placed in a topic and reply as asked.

        ``content`` holds the message's payload fields (``text``, ``entities``, ``photo``, ...).
        """
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat.id),
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": int(time.time()),
        }
        topic = self.topics.get((chat.id, message_thread_id or 0))
        if topic is not None:
            message["message_thread_id"] = topic.message_thread_id
            message["is_topic_message"] = True
            if reply_to is None:
                # In a topic, a message "replies" to the topic's creation message.
                reply_to = self.message(chat.id, topic.message_thread_id)
        if reply_to is not None:
            quoted = copy.deepcopy(reply_to)
            quoted.pop("reply_to_message", None)  # the Bot API nests only one level
            message["reply_to_message"] = quoted
        message.update({key: value for key, value in content.items() if value is not None})
        self.store(message)
        return message

    # -- files -------------------------------------------------------------------------------

    def store_file(self, data: bytes, filename: str | None, content_type: str | None) -> StoredFile:
        """Keep uploaded bytes under a fresh ``file_id``."""
        number = next(self._file_ids)
        stored = StoredFile(
            file_id=f"AgACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AQAD{number:08d}",
            data=data,
            filename=filename,
            content_type=content_type,
        )
        self.files[stored.file_id] = stored
        return stored
