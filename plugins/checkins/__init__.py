"""Check-ins, goals, streaks and writing buddies."""
