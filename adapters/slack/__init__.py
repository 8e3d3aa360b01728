"""Slack adapter (slack-bolt, Socket Mode or HTTP Events API)."""
