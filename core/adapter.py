"""The adapter contract: what every chat platform implements for the core.

An adapter turns platform events into neutral ``Message``/``ButtonPress`` values and hands them
to ``bot.receive`` / ``bot.receive_press`` / ``bot.receive_join``; it renders neutral
``Outbound`` messages in its platform's format in ``send``. The core calls ``send`` only from
that adapter's own send queue, which paces it by ``rate_limits`` and honours ``RetryAfter``.
See docs/adapters.md for how each concept maps onto Slack, Telegram and Matrix.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from salon.core.config import REDACTOR, Secret, read_secret
from salon.core.errors import ConfigError
from salon.core.model import Outbound, Sent, SpaceRef

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from salon.core.bot import Bot


@attrs.frozen
class Capabilities:
    """What a platform can show; features may ask, and adapters degrade what it cannot.

    :param max_text_length: longest single message; longer ones are split by the adapter.
    :param forms: an ``Outbound.form`` is shown (Slack: a modal); elsewhere it is left out.
    :param files: ``Outbound.files`` are uploaded; elsewhere the message names each file that
        could not be attached.
    :param deletes: an ``Outbound.deletion`` removes the message; elsewhere it is edited to
        say it was removed (or, without edits, nothing happens).
    """

    threads: bool = False
    buttons: bool = False
    images: bool = False
    reactions: bool = False
    edits: bool = False
    direct_messages: bool = True
    rich_text: bool = False
    max_text_length: int | None = None
    forms: bool = False
    files: bool = False
    deletes: bool = False


@attrs.frozen
class Rate:
    """At most ``count`` sends every ``per`` seconds."""

    count: int
    per: float


@attrs.frozen
class RateLimits:
    """A platform's pacing, which the send queue keeps.

    Messages go out in lanes, one per space and one per recipient's DM; each lane keeps its
    order and its own pace, and the platform's lanes share ``overall`` and ``in_flight``.

    :param overall: all messages of the bot (Telegram: 30 a second).
    :param per_space: each group space (Telegram: 20 a minute in one group).
    :param per_chat: each lane, group or DM (Telegram: about one a second per chat).
    :param in_flight: sends running at once on this platform. After a crash, at most this many
        messages the platform accepted may be sent again (see ``salon.core.outbox``).
    """

    overall: Rate | None = None
    per_space: Rate | None = None
    per_chat: Rate | None = None
    in_flight: int = 8


class Adapter(abc.ABC):
    """Base class of every adapter.

    :cvar platform: the name used in refs and config (``"slack"``).
    :cvar secrets: environment variables the adapter needs (``SALON_SLACK_BOT_TOKEN``);
        ``salon check`` reports missing ones. Alternatives are written ``"A|B"``.
    :cvar config_class: attrs class for the ``[adapters.<platform>]`` table, or ``None``.
    """

    platform: ClassVar[str]
    capabilities: ClassVar[Capabilities] = Capabilities()
    rate_limits: ClassVar[RateLimits] = RateLimits()
    secrets: ClassVar[Sequence[str]] = ()
    config_class: ClassVar[type[Any] | None] = None

    def __init__(self, bot: Bot, config: Any, env: Mapping[str, str]) -> None:
        self.bot = bot
        self.config = config
        self.env = env

    @abc.abstractmethod
    async def start(self) -> None:
        """Connect and begin delivering events to the bot; return once connected."""

    @property
    def receives_alone(self) -> bool:
        """Whether inbound events come over a connection only one worker may hold at a time
        (a long poll, a sync loop, a socket). Then ``start`` connects without receiving, and
        the core calls ``start_receiving`` in the one worker that leads this adapter (always
        the only one on SQLite; see docs/cluster.md). The default: ``False`` (webhooks, which
        any worker may take)."""
        return False

    async def start_receiving(self) -> None:
        """Begin receiving (``receives_alone`` adapters), resuming from the stored offset or
        token; called after ``start``, again after ``stop_receiving`` when the lead returns."""
        return None

    async def stop_receiving(self) -> None:
        """Stop taking new inbound events; sending must keep working.

        Called first when salon stops, so that events already taken are answered before the
        send queues drain, and when a worker loses the lead of a ``receives_alone`` adapter.
        The default does nothing; ``stop`` must work either way.
        """
        return None

    @abc.abstractmethod
    async def stop(self) -> None:
        """Disconnect and release everything ``start`` opened."""

    @abc.abstractmethod
    async def send(self, outbound: Outbound) -> Sent:
        """Render and deliver one message.

        Raise ``RetryAfter`` when the platform asks to slow down (the queue retries the same
        message), ``DeliveryError`` when retrying cannot help. ``outbound.key``, when set, is
        the same on every attempt and after a restart: a platform that deduplicates requests
        (Matrix transaction ids) should derive its request id from it.
        """

    def lane(self, outbound: Outbound) -> tuple[str, bool]:
        """The send lane of ``outbound`` and whether it is a group space (paced ``per_space``).

        The default: a space's messages share its lane, and a DM to a recipient has the lane
        of that recipient. Adapters that can tell a DM space from a group override this.
        """
        if outbound.space is not None:
            return f"space:{outbound.space.id}", True
        return f"dm:{outbound.recipient}", False

    def routes(self) -> Sequence[BaseRoute]:
        """Routes to mount on salon's web server (webhooks); none by default."""
        return ()

    async def name_of_space(self, space: SpaceRef) -> str:
        """The name members know a space by (``general``), for platforms whose events carry
        none; asked once when salon first sees the space. ``""`` when unknown (the default)."""
        return ""

    @property
    def is_interactive(self) -> bool:
        """Whether this adapter owns the terminal (the console); ``salon run`` waits on it."""
        return False

    # --- secrets ---------------------------------------------------------------------------
    def secret(self, name: str) -> Secret | None:
        """The secret in environment variable ``name`` (from the adapter's ``env``), or
        ``None``. Its value is registered so that no log record shows it; it never prints
        itself (``secret.reveal()`` gives the value to the SDK)."""
        return read_secret(self.env, name)

    def required_secret(self, name: str, why: str = "") -> Secret:
        """Like ``secret``, but a ``ConfigError`` naming the variable when it is not set.

        :param why: what needs it, e.g. ``"mode 'socket'"``.
        """
        value = self.secret(name)
        if value is None:
            needs = f"{why} needs" if why else "set"
            raise ConfigError(f"adapters.{self.platform}: {needs} the environment variable {name}")
        return value

    @staticmethod
    def redact_logs(*logger_names: str) -> None:
        """Clean known secrets out of these (SDK) loggers' records before any handler sees
        them, whatever handlers the host application installed."""
        for name in logger_names:
            logging.getLogger(name).addFilter(REDACTOR)  # a no-op when already there
