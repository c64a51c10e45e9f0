"""Prometheus metrics of one app, in a registry of its own (several apps per process are fine).

Under several server workers (`semrec serve --workers N`) the CLI points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before they start: each worker then writes its
values there and `/metrics`, whichever worker answers it, adds up all of them (counters and
histograms summed, requests in flight summed, model version and training state per worker).
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

__all__ = ["TRAINING_STATES", "ApiMetrics"]

#: The states `POST /admin/train` moves through; the gauge holds 1 for the current one.
TRAINING_STATES = ("idle", "running", "succeeded", "failed")
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ApiMetrics:
    """Request latency, in-flight requests, ingested events, model version and training."""

    def __init__(self) -> None:
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "semrec_http_request_duration_seconds",
            "Time to answer a request, by route template, method and status.",
            ("route", "method", "status"),
            registry=self.registry,
            buckets=_LATENCY_BUCKETS,
        )
        self.in_flight = Gauge(
            "semrec_http_requests_in_flight",
            "Requests being answered now.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.events = Counter(
            "semrec_events_ingested",
            "Events received by POST /events, by outcome (accepted, duplicate, rejected).",
            ("outcome",),
            registry=self.registry,
        )
        self.model_version = Gauge(
            "semrec_model_version",
            "Version of the model snapshot being served (0: none).",
            registry=self.registry,
            multiprocess_mode="liveall",
        )
        self.training = Gauge(
            "semrec_training_state",
            "1 for the current state of background training, 0 for the others.",
            ("state",),
            registry=self.registry,
            multiprocess_mode="liveall",
        )
        self.training_queued = Gauge(
            "semrec_training_queued",
            "Training runs requested while one was running (0 or 1: requests coalesce).",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.pending_events = Gauge(
            "semrec_training_pending_events",
            "New events in the log since the last run started by serve.train_every_events.",
            registry=self.registry,
            multiprocess_mode="livemax",
        )
        self.set_training_state("idle")

    def count_events(self, accepted: int, duplicates: int, rejected: int) -> None:
        """Add one ingest batch's outcome."""
        self.events.labels("accepted").inc(accepted)
        self.events.labels("duplicate").inc(duplicates)
        self.events.labels("rejected").inc(rejected)

    def set_training_state(self, state: str) -> None:
        """Mark `state` as the current training state."""
        for name in TRAINING_STATES:
            self.training.labels(name).set(1.0 if name == state else 0.0)

    def render(self) -> bytes:
        """The registry (every worker's values under several workers) in the text format."""
        if not self.multiprocess:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    def close(self) -> None:
        """This worker is stopping: drop its live gauges from the shared folder."""
        if self.multiprocess:
            mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
