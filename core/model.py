"""The platform-neutral domain model.

Values are frozen attrs classes. Identifiers are typed (``MemberRef``, ``SpaceRef``) so a Slack
user id can never be mistaken for a Telegram chat id. Platform-only details ride in one ``raw``
mapping, never in a subclass per platform.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

if TYPE_CHECKING:
    from salon.core.markup import Markup

EMPTY_RAW: Mapping[str, Any] = MappingProxyType({})


class Role(enum.Enum):
    """What a member may do. Organisers may also run organiser-only commands."""

    MEMBER = "member"
    ORGANISER = "organiser"


@attrs.frozen(cache_hash=True)  # a dictionary key on every hot path: hash it once
class MemberRef:
    """One account on one platform, e.g. ``MemberRef("slack", "U024BE7LH")``."""

    platform: str
    id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> MemberRef:
        """Parse ``"platform:id"`` (as written in config files)."""
        platform, sep, ident = text.partition(":")
        if not sep or not platform or not ident:
            raise ValueError(f"expected 'platform:id', got {text!r}")
        return cls(platform, ident)


@attrs.frozen(cache_hash=True)
class SpaceRef:
    """One channel / chat / room on one platform."""

    platform: str
    id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"


@attrs.frozen
class Community:
    """The writing group: one shared state, spanning any number of platforms."""

    name: str


@attrs.frozen
class Person:
    """The human behind one or more platform accounts (say, one writer on Slack and Telegram).

    Features key what they store on ``id``; an account (``MemberRef``) is only how a message
    arrived and where a direct message can go. Instances come from ``bot.people`` and are
    replaced (never mutated) when the person links an account or changes a setting.

    :param id: salon's own id for the person (``person_id`` in feature tables).
    :param display_name: the name to show (user text: always escaped when rendered).
    :param tz: their time zone (the community's when they have not set one).
    :param role: organiser when any of their accounts is named in ``community.organisers``.
    :param accounts: every platform account linked to this person, at most one per platform.
    :param dm_platform: the platform they asked direct messages to go to (``dm here``).
    :param last_platform: the platform they last wrote from.
    :param has_own_tz: ``tz`` was set by the person rather than defaulted.
    """

    id: int
    display_name: str
    tz: ZoneInfo = attrs.field(factory=lambda: ZoneInfo("UTC"))
    role: Role = Role.MEMBER
    accounts: tuple[MemberRef, ...] = ()
    dm_platform: str | None = None
    last_platform: str | None = None
    has_own_tz: bool = False

    @property
    def is_organiser(self) -> bool:
        return self.role is Role.ORGANISER

    def account_on(self, platform: str) -> MemberRef | None:
        """The person's account on ``platform``, if they have one."""
        for account in self.accounts:
            if account.platform == platform:
                return account
        return None

    def dm_accounts(self) -> tuple[MemberRef, ...]:
        """Accounts a direct message may go to, best first: the preferred platform's, then the
        one they last wrote from, then the rest in the order they were linked."""
        order: list[MemberRef] = []
        for platform in (self.dm_platform, self.last_platform):
            account = self.account_on(platform) if platform else None
            if account is not None and account not in order:
                order.append(account)
        order.extend(a for a in self.accounts if a not in order)
        return tuple(order)

    @property
    def dm_account(self) -> MemberRef:
        """Where a direct message to this person goes first (see ``dm_accounts``)."""
        return self.dm_accounts()[0]


@attrs.frozen
class Member:
    """One platform account as seen in one event.

    :param ref: platform and platform id.
    :param display_name: the name to show (user text: always escaped when rendered).
    :param role: member or organiser.
    :param person_id: the Person this account belongs to, if known.
    """

    ref: MemberRef
    display_name: str
    role: Role = Role.MEMBER
    person_id: int | None = None
    raw: Mapping[str, Any] = EMPTY_RAW

    @property
    def is_organiser(self) -> bool:
        return self.role is Role.ORGANISER


@attrs.frozen
class Space:
    """A channel, chat or room on one platform.

    :param is_direct: a one-to-one conversation between the bot and a member.
    """

    ref: SpaceRef
    name: str = ""
    is_direct: bool = False
    raw: Mapping[str, Any] = EMPTY_RAW


@attrs.frozen
class Image:
    """An image attachment (a chart, a cover) that adapters upload as their platform expects.

    :param data: the encoded bytes (PNG by default).
    :param alt_text: a description, shown where images are not supported.
    """

    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")
    filename: str = "image.png"
    mime_type: str = "image/png"
    width: int | None = None
    height: int | None = None
    alt_text: str = ""


@attrs.frozen
class File:
    """A file the bot sends (an ``.ics`` invitation, a piece with its critiques as ``.md``).

    Uploaded natively where ``Capabilities.files`` is true; elsewhere the adapter says in the
    message that the file could not be attached, with its name and size.

    :param name: the file name shown to members (``"meeting.ics"``).
    :param mime_type: its type (``"text/calendar"``).
    :param data: the bytes.
    """

    name: str
    mime_type: str
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")


#: Reads an attachment's bytes, refusing (``FileTooLarge``) past the given number of bytes.
Fetch = Callable[[int], Awaitable[bytes]]


@attrs.frozen
class Attachment:
    """A file a member sent with a message, not yet downloaded.

    Read it with ``salon.core.files.read_attachment`` (or ``ctx.read_file``), which checks the
    size limit and the allowed types before anything is downloaded.

    :param name: the file name as the member's client sent it (user text).
    :param mime_type: the type the platform reported (may be ``application/octet-stream``).
    :param size: the size in bytes the platform reported.
    :param fetch: downloads the bytes; given a limit, it stops and raises past it.
    """

    name: str
    mime_type: str
    size: int
    fetch: Fetch = attrs.field(repr=False, eq=False)
    raw: Mapping[str, Any] = attrs.field(default=EMPTY_RAW, repr=False, eq=False)


@attrs.frozen
class Button:
    """A choice offered under a message.

    :param label: what the member sees.
    :param action: the registered action id that handles the press, e.g. ``"basics.confirm"``.
    :param value: data handed back to the action with the press.
    """

    label: str
    action: str
    value: str = ""


@attrs.frozen
class FormField:
    """One field of a ``Form``: a free-text answer.

    :param name: the key of the answer in ``ButtonPress.values``.
    :param label: what the member sees above the field (user text: shown as plain text).
    :param multiline: a text area rather than a single line.
    :param optional: the form can be submitted with this field empty.
    """

    name: str
    label: str
    multiline: bool = True
    optional: bool = False


@attrs.frozen
class Form:
    """Several fields a member fills in at once, offered with a message.

    Where ``Capabilities.forms`` is true the adapter shows a button (``open_label``) that
    opens the form; its submission reaches the action ``action`` as a ``ButtonPress`` whose
    ``values`` map each field's ``name`` to the text entered. Elsewhere the form is not shown,
    so a feature keeps its one-question-at-a-time text flow as the fallback.

    :param title: the form's heading (platforms may shorten it: Slack allows 24 characters).
    :param action: the registered action id that receives the submission.
    """

    title: str
    fields: tuple[FormField, ...]
    action: str
    submit_label: str = "Submit"
    open_label: str = "Answer all at once"


@attrs.frozen
class Message:
    """An inbound message from a member.

    :param event_id: the platform's id of this delivery, used to apply each event once.
    :param addressed: the bot was addressed explicitly (a DM, a slash command, a mention),
        so no command prefix is needed.
    :param thread_id: the platform thread the message is in, if any.
    :param reply_to: the platform id of the message this one answers (a Telegram or Matrix
        reply), if any.
    :param attachments: files sent with the message (documents; not yet downloaded).
    """

    space: Space
    author: Member
    text: str
    event_id: str
    addressed: bool = False
    thread_id: str | None = None
    message_id: str | None = None
    received_at: datetime | None = None
    attachments: tuple[Attachment, ...] = ()
    raw: Mapping[str, Any] = EMPTY_RAW
    reply_to: str | None = None


@attrs.frozen
class ButtonPress:
    """A member chose one of a message's buttons, or submitted a ``Form``.

    :param message_id: the platform id of the message that carried the buttons (for edits).
    :param values: for a submitted form, the text entered by field name; empty otherwise.

    An ``action`` of ``EXPIRED`` (the empty string) means the press was for buttons salon no
    longer knows (past their expiry, see ``salon.core.interactions``): the router answers it.
    """

    space: Space
    member: Member
    action: str
    value: str
    event_id: str
    message_id: str | None = None
    thread_id: str | None = None
    values: Mapping[str, str] = EMPTY_RAW
    raw: Mapping[str, Any] = EMPTY_RAW


@attrs.frozen
class Outbound:
    """A neutral message on its way out.

    Exactly one of ``space`` and ``recipient`` is set: a message to a space, or a direct
    message to a member (the adapter opens or finds the DM).

    :param edit_of: the platform id of an earlier bot message to replace (buttons included:
        an edit shows the buttons it carries, and only those).
    :param reply_to: the platform id of the message this replies to.
    :param form: fields to fill in at once, shown only where ``Capabilities.forms`` is true.
    :param files: files to attach, uploaded where ``Capabilities.files`` is true.
    :param delete: remove the message ``edit_of`` instead of replacing it (where
        ``Capabilities.deletes``); build one with ``Outbound.deletion``.
    :param key: an idempotency key, the same on every attempt and after a restart (the send
        queue sets it to the outbox row's id for durable messages).
    """

    body: Markup
    space: SpaceRef | None = None
    recipient: MemberRef | None = None
    buttons: tuple[Button, ...] = ()
    image: Image | None = None
    thread_id: str | None = None
    reply_to: str | None = None
    edit_of: str | None = None
    form: Form | None = None
    files: tuple[File, ...] = ()
    delete: bool = False
    key: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.space is None) == (self.recipient is None):
            raise ValueError("an Outbound goes either to a space or to a recipient")
        if self.delete and self.edit_of is None:
            raise ValueError("a deletion names the message it deletes (edit_of)")

    @classmethod
    def deletion(cls, sent: Sent) -> Outbound:
        """The Outbound that deletes a message the bot sent earlier."""
        from salon.core.markup import Markup

        return cls(Markup(()), space=sent.space, edit_of=sent.message_id, delete=True)

    @property
    def platform(self) -> str:
        target = self.space or self.recipient
        assert target is not None
        return target.platform


@attrs.frozen
class Sent:
    """What an adapter reports after delivering an Outbound."""

    message_id: str
    space: SpaceRef
