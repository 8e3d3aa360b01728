"""salon's core: the public API for plugins and adapters.

A plugin imports what it needs from here (and storage helpers from ``salon.core.storage``)::

    from salon.core import Command, Arg, Context, hookimpl, md, bold
"""

from salon.core import texts
from salon.core.adapter import Adapter, Capabilities, Rate, RateLimits
from salon.core.argtypes import DATETIME, DURATION, TIME
from salon.core.awaiting import AwaitedReplies
from salon.core.bot import Bot
from salon.core.clock import Clock, ManualClock, SystemClock
from salon.core.commands import (
    DATE,
    INT,
    POSITIVE_INT,
    TEXT,
    WORD,
    ZONE,
    Action,
    Arg,
    ArgType,
    Command,
    CommandTable,
    choice,
)
from salon.core.context import Context, JobContext, Transaction
from salon.core.dialogs import Answers, Dialog, Pending, Question
from salon.core.errors import (
    AlreadyHandled,
    ConfigError,
    DeliveryError,
    PluginError,
    RetryAfter,
    SalonError,
    UserError,
)
from salon.core.files import DOCX, TEXT_DOCUMENTS, FileTooLarge
from salon.core.hooks import collect
from salon.core.hookspecs import hookimpl, hookspec
from salon.core.hookspecs.badges_types import Badge, BadgeAward
from salon.core.hookspecs.checkins_types import BuddyPair, CheckIn, Goal, ProgressEntry, Streak
from salon.core.hookspecs.coaching_types import CoachingLink, Plan, WeeklyReview
from salon.core.hookspecs.critique_types import CreditEntry, Critique, Piece
from salon.core.hookspecs.events_types import Event, EventRequest, Rsvp
from salon.core.hookspecs.prompts_types import Prompt, PromptResponse, PromptSource
from salon.core.hookspecs.sprints_types import Sprint, SprintResult
from salon.core.markup import (
    Markup,
    Part,
    bold,
    br,
    bullets,
    code,
    italic,
    lines,
    link,
    md,
    mention,
    quote,
    shorten,
)
from salon.core.model import (
    Attachment,
    Button,
    ButtonPress,
    Community,
    File,
    Form,
    FormField,
    Image,
    Member,
    MemberRef,
    Message,
    Outbound,
    Person,
    Role,
    Sent,
    Space,
    SpaceRef,
)
from salon.core.outbound import SendHandle
from salon.core.people import mention_person
from salon.core.rendering import PlainRenderer, Renderer, render_plain
from salon.core.router import RecentEvents
from salon.core.scheduler import Job, JobHandler, Misfire
from salon.core.spaces import KnownSpace, platform_title, space_label
from salon.core.web import WebRequest, WebResponse, WebRoute

__all__ = [
    "DATE",
    "DATETIME",
    "DOCX",
    "DURATION",
    "INT",
    "POSITIVE_INT",
    "TEXT",
    "TEXT_DOCUMENTS",
    "TIME",
    "WORD",
    "ZONE",
    "Action",
    "Adapter",
    "AlreadyHandled",
    "Answers",
    "Arg",
    "ArgType",
    "Attachment",
    "AwaitedReplies",
    "Badge",
    "BadgeAward",
    "Bot",
    "BuddyPair",
    "Button",
    "ButtonPress",
    "Capabilities",
    "CheckIn",
    "Clock",
    "CoachingLink",
    "Command",
    "CommandTable",
    "Community",
    "ConfigError",
    "Context",
    "CreditEntry",
    "Critique",
    "DeliveryError",
    "Dialog",
    "Event",
    "EventRequest",
    "File",
    "FileTooLarge",
    "Form",
    "FormField",
    "Goal",
    "Image",
    "Job",
    "JobContext",
    "JobHandler",
    "KnownSpace",
    "ManualClock",
    "Markup",
    "Member",
    "MemberRef",
    "Message",
    "Misfire",
    "Outbound",
    "Part",
    "Pending",
    "Person",
    "Piece",
    "PlainRenderer",
    "Plan",
    "PluginError",
    "ProgressEntry",
    "Prompt",
    "PromptResponse",
    "PromptSource",
    "Question",
    "Rate",
    "RateLimits",
    "RecentEvents",
    "Renderer",
    "RetryAfter",
    "Role",
    "Rsvp",
    "SalonError",
    "SendHandle",
    "Sent",
    "Space",
    "SpaceRef",
    "Sprint",
    "SprintResult",
    "Streak",
    "SystemClock",
    "Transaction",
    "UserError",
    "WebRequest",
    "WebResponse",
    "WebRoute",
    "WeeklyReview",
    "bold",
    "br",
    "bullets",
    "choice",
    "code",
    "collect",
    "hookimpl",
    "hookspec",
    "italic",
    "lines",
    "link",
    "md",
    "mention",
    "mention_person",
    "platform_title",
    "quote",
    "render_plain",
    "shorten",
    "space_label",
    "texts",
]
