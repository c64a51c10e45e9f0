"""The HTTP API (FastAPI): thin routes over the `Recommender` service object."""

from semrec.api.app import DEFAULT_BURST, DEFAULT_MAX_BODY, DEFAULT_RATE, create_app
from semrec.api.handle import ServiceHandle

__all__ = ["DEFAULT_BURST", "DEFAULT_MAX_BODY", "DEFAULT_RATE", "ServiceHandle", "create_app"]
