"""What a running bot counts, in Prometheus' format (``/metrics`` on salon's web server).

Each ``Bot`` has its own ``Metrics`` with its own ``CollectorRegistry`` (never the global
one), so several bots in one process, and every test, count separately. The core counts on
its real paths: the router (events, commands), the send queues (messages sent, waits,
retries, failures), the scheduler (jobs due, run, late); gauges that describe the present
(send-queue depth, outbox rows, leadership) are read when ``/metrics`` is scraped
(``refresh``).

Leadership: ``set_leader(platform, True)`` once this worker runs that adapter's receiver
(Telegram ``getUpdates``, Matrix ``/sync``, Slack Socket Mode), ``False`` when it stops or
loses the lock. A single worker leads every adapter it started.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

if TYPE_CHECKING:
    from salon.core.bot import Bot

#: The ``Content-Type`` of ``Metrics.render`` (Prometheus' text format).
CONTENT_TYPE = CONTENT_TYPE_LATEST
#: Buckets (seconds) for waits: a message in its lane, a job after it fell due.
WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)


class Metrics:
    """The bot's counters, gauges and histograms, in one registry of its own.

    Metric names (``_total`` is added to counters in the output):

    - ``salon_events_received{platform,kind}``: inbound messages and presses adapters handed
      in (``kind``: ``message``, ``press``, ``join``); ``salon_events_duplicate`` the ones
      dropped as redelivered; ``salon_events_handled{platform,kind,outcome}`` once handling
      finished (``ok`` or ``error``).
    - ``salon_commands{command,outcome}``: commands run by name (``ok``, ``refused`` for a
      ``UserError``, ``denied`` for a non-organiser, ``error``, ``duplicate`` when
      redelivered).
    - ``salon_messages_sent{platform}``: messages delivered (replies and every other send);
      ``salon_send_wait_seconds{platform}``: from queued to handed to the platform;
      ``salon_send_queue_depth{platform}``: messages queued, not yet delivered.
    - ``salon_send_retries{platform,reason}`` (``retry_after``, ``error``) and
      ``salon_send_retry_after_seconds{platform}``: how long platforms asked us to wait.
    - ``salon_delivery_failures{platform,reason}`` (``refused``, ``gave_up``, ``error``).
    - ``salon_jobs_due{kind}``, ``salon_jobs_run{kind,outcome}`` (``ok``, ``error``,
      ``skipped``), ``salon_jobs_late{kind}`` (past the grace period) and
      ``salon_job_delay_seconds{kind}`` (from due to run).
    - ``salon_outbox_rows``: owed messages in the database (every worker's);
      ``salon_outbox_held``: the ones this worker holds.
    - ``salon_adapter_leader{platform}``: 1 when this worker runs the adapter's receiver.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.events_received = Counter(
            "salon_events_received",
            "Inbound events adapters handed to the bot.",
            ["platform", "kind"],
            registry=r,
        )
        self.events_duplicate = Counter(
            "salon_events_duplicate",
            "Inbound events dropped as already seen (redelivered).",
            ["platform", "kind"],
            registry=r,
        )
        self.events_handled = Counter(
            "salon_events_handled",
            "Inbound events whose handling finished.",
            ["platform", "kind", "outcome"],
            registry=r,
        )
        self.commands = Counter(
            "salon_commands", "Commands run, by name.", ["command", "outcome"], registry=r
        )
        self.messages_sent = Counter(
            "salon_messages_sent",
            "Messages delivered to the platform (replies and all other sends).",
            ["platform"],
            registry=r,
        )
        self.send_wait = Histogram(
            "salon_send_wait_seconds",
            "Time from a message being queued to it being handed to the platform.",
            ["platform"],
            buckets=WAIT_BUCKETS,
            registry=r,
        )
        self.send_queue_depth = Gauge(
            "salon_send_queue_depth",
            "Messages queued for sending, not yet delivered or given up on.",
            ["platform"],
            registry=r,
        )
        self.send_lanes = Gauge(
            "salon_send_lanes", "Send lanes (spaces and DMs) kept.", ["platform"], registry=r
        )
        self.send_retries = Counter(
            "salon_send_retries",
            "Sends retried, after a RetryAfter or a transient error.",
            ["platform", "reason"],
            registry=r,
        )
        self.retry_after_seconds = Counter(
            "salon_send_retry_after_seconds",
            "Seconds platforms asked us to wait (RetryAfter).",
            ["platform"],
            registry=r,
        )
        self.delivery_failures = Counter(
            "salon_delivery_failures",
            "Messages given up on.",
            ["platform", "reason"],
            registry=r,
        )
        self.jobs_due = Counter(
            "salon_jobs_due", "Job runs taken because they fell due.", ["kind"], registry=r
        )
        self.jobs_run = Counter(
            "salon_jobs_run", "Scheduled job runs finished.", ["kind", "outcome"], registry=r
        )
        self.jobs_late = Counter(
            "salon_jobs_late", "Job runs taken after their grace period.", ["kind"], registry=r
        )
        self.job_delay = Histogram(
            "salon_job_delay_seconds",
            "Time from a job run falling due to it being taken.",
            ["kind"],
            buckets=WAIT_BUCKETS,
            registry=r,
        )
        self.outbox_rows = Gauge(
            "salon_outbox_rows", "Owed messages in the outbox (all workers).", registry=r
        )
        self.outbox_held = Gauge(
            "salon_outbox_held", "Outbox rows this worker holds to send.", registry=r
        )
        self.adapter_leader = Gauge(
            "salon_adapter_leader",
            "1 when this worker runs the adapter's receiver, else 0.",
            ["platform"],
            registry=r,
        )

    def set_leader(self, platform: str, is_leader: bool) -> None:
        """Record whether this worker runs ``platform``'s receiver (its long-lived
        connection); call it when the receiver starts, stops, or the leadership moves."""
        self.adapter_leader.labels(platform).set(1 if is_leader else 0)

    def value(self, name: str, **labels: str) -> float:
        """The current value of one sample (``0`` if it was never counted), e.g.
        ``metrics.value("salon_commands_total", command="ping", outcome="ok")``."""
        found = self.registry.get_sample_value(name, labels)
        return 0.0 if found is None else found

    async def refresh(self, bot: Bot) -> None:
        """Read the gauges that describe the present: queue depths and the outbox's size (a
        query, so a scrape fails loudly when the database is unreachable)."""
        for platform, queue in bot.outbound.queues.items():
            self.send_queue_depth.labels(platform).set(queue.queued)
            self.send_lanes.labels(platform).set(len(queue.lanes))
        self.outbox_held.set(len(bot.outbox.held))
        self.outbox_rows.set(await bot.outbox.size())

    def render(self) -> bytes:
        """Every metric in Prometheus' text exposition format."""
        return generate_latest(self.registry)
