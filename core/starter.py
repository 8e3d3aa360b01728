"""The commented starter ``salon.toml`` that ``salon init`` writes."""

STARTER = """\
# salon configuration. Secrets (tokens, passwords) never go here: salon reads them from
# SALON_… environment variables, e.g. SALON_SLACK_BOT_TOKEN. Check with `salon check`.

[community]
name = "My writing group"
# Time zone for members who have not set their own (they can: `tz Europe/Berlin`).
timezone = "UTC"
# Who may run organiser commands, as "platform:id" (one account each is enough: once they
# link their other accounts with `link`, they are organisers there too).
organisers = ["console:you"]
# The community's spaces on every platform, for announcements and community-wide digests
# (organisers can also send `space join` in a space). See docs/community.md.
# spaces = ["slack:C024BE91L", "telegram:-1001234567890"]

[database]
# SQLite file by default. PostgreSQL: "postgresql://user@host/dbname"
# (needs the driver: pip install 'salon[postgres]').
url = "sqlite:///salon.db"
# Apply migrations at `salon run`; set to false to run `salon db upgrade` yourself.
auto_migrate = true
# Workers sharing one PostgreSQL database: seconds a worker holds the messages it is sending.
# outbox_lease = 60

[commands]
# Commands in group spaces start with this; in direct messages it is optional.
prefix = "!"
# Longest message in a group space, and in a direct message (a pasted chapter).
max_length = 4000
max_direct_length = 60000

[files]
# Files members send: larger ones are refused before anything is downloaded.
max_bytes = 2097152
# What a .docx may unpack to (a zip bomb is refused).
max_unpacked_bytes = 20971520

[interactions]
# Buttons and forms work this many days after they were sent, then say they have expired.
expiry_days = 30

[web]
# Started when an adapter needs webhooks (Slack HTTP events, Telegram webhook), or always
# with enabled = true: /healthz (alive), /readyz (database and adapters), /metrics (Prometheus).
host = "127.0.0.1"
port = 8080
enabled = false

[plugins]
# Built-in or installed plugins to switch off, by name (see `salon plugins`).
disabled = []

# With no [adapters.*] table, salon runs on the console. Enable platforms like this (on a
# server, remove or disable the console: `enabled = false`):
[adapters.console]
member = "you"

# Slack: SALON_SLACK_BOT_TOKEN, plus SALON_SLACK_APP_TOKEN (socket) or
# SALON_SLACK_SIGNING_SECRET (http). `salon slack manifest` prints the app manifest to paste.
# [adapters.slack]
# mode = "socket"            # or "http" (events at [web] + events_path)
# slash_command = "/salon"

# Telegram: SALON_TELEGRAM_TOKEN (from @BotFather); webhook mode also
# SALON_TELEGRAM_WEBHOOK_SECRET.
# [adapters.telegram]
# mode = "polling"           # or "webhook" with webhook_url = "https://your.host/telegram/webhook"

# Matrix: SALON_MATRIX_ACCESS_TOKEN (or SALON_MATRIX_PASSWORD).
# [adapters.matrix]
# homeserver = "https://matrix.example.org"
# user_id = "@salon:example.org"
# allowed_servers = ["example.org"]   # who may invite the bot into rooms
"""
