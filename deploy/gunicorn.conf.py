"""gunicorn's settings for Salvaguarda (read by salvaguarda-web.service; docs/operations.md).

No `bind` here: under systemd, gunicorn takes the socket of salvaguarda-web.socket, which only
the reverse proxy may open. To run it by hand, add `--bind 127.0.0.1:8000`.
"""

import os

# Processes answering requests. Sync workers: each answers one request at a time, and nginx
# reads the whole request (uploads included) before handing it over, so a slow client never
# holds a worker. Default: 2 per CPU core + 1. Each takes about 100-150 MB of memory.
# Set WEB_CONCURRENCY in /etc/salvaguarda/salvaguarda.env to change it.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"

# A request that takes longer is stopped (and logged); exports and uploads stay well within it.
timeout = 120
# On stop or reload, requests under way get this long to finish.
graceful_timeout = 30
# Each worker is replaced after about this many requests, which bounds its memory.
max_requests = 1000
max_requests_jitter = 100

# Errors to standard error (the journal: journalctl -u salvaguarda-web). No access log here:
# nginx keeps one, and one log of who asked for what is enough.
errorlog = "-"
accesslog = None
loglevel = "info"
# The process name shown by ps and top.
proc_name = "salvaguarda-web"
