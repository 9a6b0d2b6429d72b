"""Demo data of the tracker: claimants, outlets, articles written for the demo, ~150 claims with
verbatim quotes, and two demo users. `demo_load()` builds it idempotently."""

from tracker.demo.load import demo_load, demo_release

__all__ = ["demo_load", "demo_release"]
