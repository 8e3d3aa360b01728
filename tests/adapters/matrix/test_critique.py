"""The critique exchange on Matrix, against a real Synapse: submitting a pasted piece in a
DM through the dialog, and the cost's buttons answered by number (Matrix has no buttons)."""

from __future__ import annotations

from typing import Any

PIECE = "\n\n".join(" ".join(f"w{p}x{i}" for i in range(80)) for p in range(5))


async def test_submitting_a_piece_on_matrix(world: Any) -> None:
    await world.start_bot()
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    dm = await alice.room_with(bot_id, is_direct=True)

    asked = await alice.reply_to(dm, "critique submit", bot_id)
    assert "What is the piece called?" in asked["content"]["body"]
    for answer in ("The Lighthouse", "skip", "skip", "skip"):
        await alice.reply_to(dm, answer, bot_id)
    cost = await alice.reply_to(dm, PIECE, bot_id)
    body = cost["content"]["body"]
    assert "400 words in 5 paragraphs" in body and "Cancel" in body
    cancelled = await alice.reply_to(dm, "2", bot_id)  # the second button: Cancel
    assert "was not submitted and nothing was paid" in cancelled["content"]["body"]
