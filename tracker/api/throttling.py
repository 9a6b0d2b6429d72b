"""The anonymous API throttle, at a fixed cost per request (issue 16).

DRF's AnonRateThrottle keeps, per caller, the time of every request in the last period: a list
read, trimmed and written back whole on each request, so its cost grows with the rate allowed
(at 1,000 requests a second under a generous rate, half a megabyte each way per request). This
one keeps a counter per caller and fixed window (`<DRF's key>:<window>`, kept two windows) and
estimates the requests of the last period as the current window's count plus the previous
one's weighted by how much of it still lies inside the period (the usual sliding-window
counter). The count is added to in the cache itself (INCR), in the same round trip as the
reads it goes with (tracker.cache.read_and_count: a cached answer's versions and bytes,
tracker.httpcache), so concurrent requests of one caller all count; a refused request is taken
back (one more round trip, for refusals only), as DRF counts only the requests it lets in. Same
settings (`anon` rate, API_ANON_RATE), same 429 with Retry-After.
"""

from __future__ import annotations

import math

from rest_framework import throttling

from tracker import cache as data_cache


class AnonRateThrottle(throttling.AnonRateThrottle):
    def allow_request(self, request, view) -> bool:
        if not self.counts_for(request, view):
            return True
        try:
            found, counts = data_cache.read_and_count([self.previous_key], self.counter())
        except Exception:  # noqa: BLE001 — the cache unavailable: nobody is throttled
            return True
        return self.allow_counted(found, counts)

    def counts_for(self, request, view) -> bool:
        """Whether this request counts; then its window's counter is `self.key` and the
        previous window's `self.previous_key` (at `self.now`)."""
        key = None if self.rate is None else self.get_cache_key(request, view)
        if key is None:
            self.key = None
            return False
        self.now = self.timer()
        self.window = math.floor(self.now / self.duration)
        self.key, self.previous_key = f"{key}:{self.window}", f"{key}:{self.window - 1}"
        return True

    def counter(self) -> dict:
        """{this window's counter: how long the cache keeps it} (for read_and_count)."""
        return {self.key: 2 * self.duration}

    def allow_counted(self, found: dict, counts: dict) -> bool:
        """allow_request, given the counters read and added to in the cache (`found`: the
        previous window's count, if any; `counts`: this window's, this request included). A
        refused request is taken back from the count."""
        current = counts.get(self.key)
        if current is None:  # the cache unavailable
            return True
        previous = found.get(self.previous_key) or 0
        self.counts = (self.window, previous, current - 1)
        if self._estimate(previous, current - 1, self.now) >= self.num_requests:
            data_cache.uncount(self.key)
            return self.throttle_failure()
        return True

    def _estimate(self, previous: int, current: int, now: float) -> float:
        through = now / self.duration - self.counts[0]  # share of this window gone by
        return previous * (1 - through) + current

    def wait(self) -> float | None:
        """Seconds until one more request would be allowed."""
        window, previous, current = self.counts
        end = (window + 1) * self.duration
        if current >= self.num_requests:
            # Next window: this one's count then fades as the previous one.
            return end - self.now + self.duration * (1 - self.num_requests / current) + 1
        # This window: the previous one's weight must fall enough.
        through = 1 - (self.num_requests - current) / previous
        return max(window * self.duration + through * self.duration - self.now, 0) + 1


COUNTED = "_tracker_throttle_counted"  # request attribute: this request was counted already


class CountedByCache:
    """A view behind tracker.httpcache's cached_response(api=True): the wrapper counts the
    caller's request in the round trip that reads the data versions, so the view (on a miss)
    does not count it again."""

    def check_throttles(self, request):
        if getattr(request._request, COUNTED, False):
            return
        super().check_throttles(request)
