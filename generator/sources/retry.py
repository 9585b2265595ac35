"""When to ask a server again: urllib3's `Retry`, mounted on the requests session, with our two rules on top.

urllib3 counts the attempts, re-sends the request and honours `Retry-After`; we add that a server asking to
wait longer than MAX_RETRY_AFTER is treated as down (urllib3 would wait its `retry_after_max` and try again),
and that the backoff without `Retry-After` is 1, 2, 4, 8 s from the first retry (urllib3 waits 0 s first).
Only answers are retried (429 and 5xx): a refused connection, a TLS error or a timeout fails at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from urllib3.exceptions import InvalidHeader
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is treated as down
MAX_BACKOFF = 30.0  # seconds


class ServerAsksTooLong(Exception):
    """A retryable answer whose Retry-After exceeds MAX_RETRY_AFTER; the client turns it into a FetchError."""

    def __init__(self, delay: float, status: int) -> None:
        super().__init__(f"the server asks to wait {delay:.0f} s before retrying")
        self.delay = delay
        self.status = status


class ServerRetry(Retry):
    """`Retry` for GET answers with RETRY_STATUSES, `retries` times; the wait goes through `sleep`
    (time.sleep, or a recorder in tests). The last failing answer is returned, not raised."""

    RETRY_AFTER_STATUS_CODES = RETRY_STATUSES  # Retry-After makes nothing else retryable (urllib3 adds 413)

    def __init__(self, retries: int = 4, *, sleep: Callable[[float], None] = time.sleep, **params: Any) -> None:
        defaults = dict(total=retries, connect=0, read=False, other=0, status=retries,
                        status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET"}), raise_on_status=False,
                        respect_retry_after_header=True)
        super().__init__(**{**defaults, **params})
        self.sleeper = sleep

    def new(self, **params: Any) -> ServerRetry:
        """The next state of the count (urllib3 makes one per attempt), keeping our sleeper."""
        made = super().new(**params)
        made.sleeper = self.sleeper
        return made

    def get_backoff_time(self) -> float:
        """1, 2, 4, 8 s… (at most MAX_BACKOFF) for the first, second, third, fourth retry."""
        return min(2.0 ** (len(self.history) - 1), MAX_BACKOFF) if self.history else 0.0

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        """Retry-After in seconds (a number or an HTTP date, RFC 9110 §10.2.3); None when absent or unreadable."""
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """Wait as the server asks, else back off; raise ServerAsksTooLong past MAX_RETRY_AFTER."""
        asked = self.get_retry_after(response) if response is not None else None
        if asked is not None and asked > MAX_RETRY_AFTER:
            raise ServerAsksTooLong(asked, response.status if response is not None else 0)
        delay = asked if asked is not None else self.get_backoff_time()
        last = self.history[-1] if self.history else None
        log.warning("%s answered %s; retrying in %.1f s", last.url if last else "the server",
                    last.status if last else "", delay)
        self.sleeper(delay)
