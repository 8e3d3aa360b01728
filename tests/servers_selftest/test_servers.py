"""The real-server fixtures work: PostgreSQL serves SQLAlchemy, Synapse serves nio."""

from __future__ import annotations

import asyncio
import io
import secrets
import struct
import zlib

from nio import (
    AsyncClient,
    JoinResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomInviteResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)
from servers.synapse import START_TIMEOUT, SynapseServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# --- PostgreSQL -----------------------------------------------------------------------


async def test_postgres_answers_a_query(postgres_url: str) -> None:
    engine = create_async_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("select 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_skip_locked_gives_two_workers_disjoint_rows(postgres_db_url: str) -> None:
    engine = create_async_engine(postgres_db_url)
    claim = text("SELECT id FROM jobs ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE jobs (id integer PRIMARY KEY)"))
            await connection.execute(text("INSERT INTO jobs SELECT generate_series(1, 10)"))
        async with (
            engine.connect() as first,
            engine.connect() as second,
            first.begin(),
            second.begin(),
        ):
            first_rows = (await first.execute(claim)).scalars().all()
            second_rows = (await second.execute(claim)).scalars().all()
        assert first_rows == [1, 2, 3]
        assert second_rows == [4, 5, 6]
    finally:
        await engine.dispose()


async def test_each_test_gets_an_empty_database(postgres_db_url: str) -> None:
    engine = create_async_engine(postgres_db_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            )
            assert tables.scalar_one() == 0
    finally:
        await engine.dispose()


# --- Synapse --------------------------------------------------------------------------


def test_synapse_startup_time(synapse: SynapseServer) -> None:
    print(f"\nSynapse started in {synapse.startup_seconds:.1f} s")
    assert synapse.startup_seconds < START_TIMEOUT


async def test_an_invited_member_sends_a_message_the_inviter_receives(
    synapse: SynapseServer,
) -> None:
    suffix = secrets.token_hex(3)
    alice = await synapse.register_user(f"alice-{suffix}", "alice-password")
    bob = await synapse.register_user(f"bob-{suffix}", "bob-password")
    alice_client = AsyncClient(synapse.url, alice.user_id)
    bob_client = AsyncClient(synapse.url, bob.user_id)
    try:
        assert isinstance(await alice_client.login(alice.password), LoginResponse)
        assert isinstance(await bob_client.login(bob.password), LoginResponse)

        room = await alice_client.room_create(name="Writers")
        assert isinstance(room, RoomCreateResponse), room
        assert isinstance(
            await alice_client.room_invite(room.room_id, bob.user_id), RoomInviteResponse
        )
        assert isinstance(await bob_client.join(room.room_id), JoinResponse)
        sent = await bob_client.room_send(
            room.room_id, "m.room.message", {"msgtype": "m.text", "body": "Hello, Alice"}
        )
        assert isinstance(sent, RoomSendResponse), sent

        async with asyncio.timeout(20):
            message = await _next_text_message(alice_client, room.room_id)
        assert message.sender == bob.user_id
        assert message.body == "Hello, Alice"
        assert message.event_id == sent.event_id
    finally:
        await alice_client.close()
        await bob_client.close()


async def test_a_png_upload_gets_an_mxc_uri(synapse: SynapseServer) -> None:
    carol = await synapse.register_user(f"carol-{secrets.token_hex(3)}", "carol-password")
    client = AsyncClient(synapse.url, carol.user_id)
    try:
        assert isinstance(await client.login(carol.password), LoginResponse)
        png = _one_pixel_png()
        uploaded, _keys = await client.upload(
            io.BytesIO(png), content_type="image/png", filename="dot.png", filesize=len(png)
        )
        assert isinstance(uploaded, UploadResponse), uploaded
        assert uploaded.content_uri.startswith(f"mxc://{synapse.server_name}/")
    finally:
        await client.close()


async def _next_text_message(client: AsyncClient, room_id: str) -> RoomMessageText:
    """Sync until an m.text message shows up in the room's timeline."""
    while True:
        response = await client.sync(timeout=5_000)
        assert isinstance(response, SyncResponse), response
        room = response.rooms.join.get(room_id)
        for event in room.timeline.events if room else ():
            if isinstance(event, RoomMessageText):
                return event


def _one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x80\x00")  # filter byte, then one orange pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
