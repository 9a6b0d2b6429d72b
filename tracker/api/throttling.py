"""The anonymous API throttle, at a fixed cost per request (issue 16).

DRF's AnonRateThrottle keeps, per caller, the time of every request in the last period: a list
read, trimmed and written back whole on each request, so its cost grows with the rate allowed
(at 1,000 requests a second under a generous rate, half a megabyte each way per request). This
one keeps three numbers per caller — the current fixed window, its count and the previous
window's count — and estimates the requests of the last period as the current count plus the
previous one weighted by how much of it still lies inside the period (the usual sliding-window
counter). Same settings (`anon` rate, API_ANON_RATE), same cache key, same 429 with
Retry-After; like DRF's, concurrent requests of one caller may each miss the other's count.
"""

from __future__ import annotations

import math

from rest_framework import throttling


class AnonRateThrottle(throttling.AnonRateThrottle):
    def allow_request(self, request, view) -> bool:
        if not self.counts_for(request, view):
            return True
        return self.allow_stored(self.cache.get(self.key))

    def counts_for(self, request, view) -> bool:
        """Whether this request counts (then its cache key is `self.key`)."""
        self.key = None if self.rate is None else self.get_cache_key(request, view)
        return self.key is not None

    def allow_stored(self, stored, *, write: bool = True) -> bool:
        """allow_request, given what the cache holds under `self.key` (read by the caller,
        with other keys in one round trip: tracker.httpcache). With `write` false the new count
        is left in `self.pending` ((value, timeout), for the caller to write with other keys)
        instead of written."""
        self.now = self.timer()
        window = math.floor(self.now / self.duration)
        if isinstance(stored, tuple) and len(stored) == 3:
            start, previous, current = stored
        else:  # nothing yet (or DRF's list of times, from before)
            start, previous, current = window, 0, 0
        if start != window:
            previous, current = (current if start == window - 1 else 0), 0
        self.counts = (window, previous, current)
        if self._estimate(previous, current, self.now) >= self.num_requests:
            return self.throttle_failure()
        self.pending = ((window, previous, current + 1), 2 * self.duration)
        if write:
            self.cache.set(self.key, *self.pending)
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
    """A view behind tracker.httpcache's cached_response(api=True): the wrapper reads the
    caller's count with the data versions and counts a request it passes to the view (a miss)
    itself, so the view does not count it again (that was one more round trip to the cache)."""

    def check_throttles(self, request):
        if getattr(request._request, COUNTED, False):
            return
        super().check_throttles(request)
