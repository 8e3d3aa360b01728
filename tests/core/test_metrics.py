"""Metrics count real traffic: events, commands, sends, retries, failures, jobs, the outbox."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from salon.core import Command, JobHandler, Outbound, RetryAfter, Role, hookimpl, md
from salon.core.testing import PluginSpec, SalonHarness
from salon.core.web import WebServer


class Reminders:
    """A plugin with one job kind that DMs bob, and one that fails."""

    @hookimpl
    def register_jobs(self, register):  # type: ignore[no-untyped-def]
        def remind(ctx, job):  # type: ignore[no-untyped-def]
            ctx.send_direct(ctx.bot.adapters["memory"].member("bob").ref, "Time to write!")

        def broken(ctx, job):  # type: ignore[no-untyped-def]
            raise RuntimeError("the job is broken")

        register(JobHandler("test.remind", remind))
        register(JobHandler("test.broken", broken))

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(
            Command("purge", lambda ctx: ctx.reply("done"), help="Purge.", role=Role.ORGANISER)
        )


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return [("reminders", Reminders())]


def value(harness: SalonHarness, name: str, **labels: str) -> float:
    return harness.bot.metrics.value(name, **labels)


async def test_events_commands_and_replies_are_counted(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!ping", as_="bob", event_id="e1")
    await salon_bot.send("!ping", as_="bob", event_id="e1")  # redelivered: dropped
    await salon_bot.send("!nosuchcommand", as_="bob")
    await salon_bot.send("!tz Not/AZone", as_="bob")  # refused with a sentence
    received = {"platform": "memory", "kind": "message"}
    assert value(salon_bot, "salon_events_received_total", **received) == 4
    assert value(salon_bot, "salon_events_duplicate_total", **received) == 1
    assert value(salon_bot, "salon_events_handled_total", **received, outcome="ok") == 4
    assert value(salon_bot, "salon_commands_total", command="ping", outcome="ok") == 1
    assert value(salon_bot, "salon_commands_total", command="tz", outcome="refused") == 1
    assert value(salon_bot, "salon_messages_sent_total", platform="memory") == len(
        salon_bot.replies
    )
    assert value(salon_bot, "salon_send_wait_seconds_count", platform="memory") == len(
        salon_bot.replies
    )


async def test_organiser_only_commands_count_as_denied(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!purge", as_="bob")
    await salon_bot.send("!purge", as_="olive")
    assert value(salon_bot, "salon_commands_total", command="purge", outcome="denied") == 1
    assert value(salon_bot, "salon_commands_total", command="purge", outcome="ok") == 1


@pytest.mark.salon_allow_errors
async def test_jobs_due_run_late_and_failed(salon_bot: SalonHarness) -> None:
    now = salon_bot.clock.now()
    scheduler = salon_bot.bot.scheduler
    await scheduler.schedule("r:1", "test.remind", at=now + timedelta(minutes=1))
    await scheduler.schedule("r:2", "test.remind", at=now + timedelta(minutes=1))
    await scheduler.schedule("b:1", "test.broken", at=now + timedelta(minutes=1))
    await salon_bot.advance(timedelta(minutes=30))  # past the 10-minute grace: late
    assert value(salon_bot, "salon_jobs_due_total", kind="test.remind") == 2
    assert value(salon_bot, "salon_jobs_late_total", kind="test.remind") == 2
    assert value(salon_bot, "salon_jobs_run_total", kind="test.remind", outcome="ok") == 2
    assert value(salon_bot, "salon_jobs_run_total", kind="test.broken", outcome="error") == 1
    assert value(salon_bot, "salon_job_delay_seconds_sum", kind="test.remind") == 2 * 29 * 60
    assert salon_bot.texts(salon_bot.sent_to("bob")) == ["Time to write!"] * 2


async def test_retries_retry_after_and_delivery_failures(salon_bot: SalonHarness) -> None:
    adapter = salon_bot.adapter
    bob = adapter.member("bob")
    adapter.unreachable.add(bob.ref)
    send = salon_bot.bot.send
    queue = salon_bot.bot.outbound.queues["memory"]
    original = adapter.send
    script: list[BaseException] = [RetryAfter(0.01), ConnectionError("reset")]

    async def flaky(outbound):  # type: ignore[no-untyped-def]
        if script:
            raise script.pop(0)
        return await original(outbound)

    adapter.send = flaky  # type: ignore[method-assign]
    handle = send(Outbound(md("hello"), space=adapter.space().ref))
    await handle.sent()
    failed = send(Outbound(md("psst"), recipient=bob.ref))
    with pytest.raises(Exception, match="not started a chat"):
        await failed.sent()
    await queue.drain()
    m = {"platform": "memory"}
    assert value(salon_bot, "salon_send_retries_total", **m, reason="retry_after") == 1
    assert value(salon_bot, "salon_send_retries_total", **m, reason="error") == 1
    assert value(salon_bot, "salon_send_retry_after_seconds_total", **m) == pytest.approx(0.01)
    assert value(salon_bot, "salon_delivery_failures_total", **m, reason="refused") == 1
    assert value(salon_bot, "salon_messages_sent_total", **m) == 1


async def test_metrics_endpoint_serves_prometheus_text(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!ping", as_="bob")
    server = WebServer(salon_bot.bot, "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            response = await client.get("/metrics")
    finally:
        await server.stop()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    assert samples[("salon_commands_total", (("command", "ping"), ("outcome", "ok")))] == 1
    assert samples[("salon_adapter_leader", (("platform", "memory"),))] == 1
    assert samples[("salon_send_queue_depth", (("platform", "memory"),))] == 0
    assert samples[("salon_outbox_rows", ())] == 0


def test_each_bot_has_its_own_registry(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from salon.core.bot import Bot
    from salon.core.config import config_from_mapping
    from salon.core.testing import default_config

    one = Bot(config_from_mapping(default_config(tmp_path / "a.db")), env={})
    two = Bot(config_from_mapping(default_config(tmp_path / "b.db")), env={})
    one.metrics.commands.labels("ping", "ok").inc()
    assert one.metrics.value("salon_commands_total", command="ping", outcome="ok") == 1
    assert two.metrics.value("salon_commands_total", command="ping", outcome="ok") == 0
