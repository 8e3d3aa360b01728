"""Chat-platform adapters: each maps the neutral core onto one platform."""
