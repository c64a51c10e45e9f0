"""`make_encoder`: the one place that turns `text` settings into an encoder."""

from __future__ import annotations

from functools import partial

from semrec.data.settings import TextSettings
from semrec.text.encoders.base import Encoder, EncoderError
from semrec.text.encoders.fallback import FallbackEncoder
from semrec.text.encoders.hashing import HashingEncoder
from semrec.text.encoders.minilm import MiniLMOnnxEncoder, MiniLMTorchEncoder
from semrec.text.encoders.remote import RemoteEncoder
from semrec.text.encoders.usem import UsemEncoder

__all__ = ["make_encoder"]


def _local(kind: str, settings: TextSettings) -> Encoder:
    """A local (in-process) encoder by its settings name."""
    if kind == "usem":
        return UsemEncoder(batch_size=settings.batch_size)
    if kind == "minilm-onnx":
        return MiniLMOnnxEncoder(batch_size=settings.batch_size)
    if kind == "minilm-torch":
        return MiniLMTorchEncoder(batch_size=settings.batch_size)
    if kind == "hashing":
        return HashingEncoder(settings.hashing_dim, batch_size=settings.batch_size)
    raise EncoderError(f"unknown encoder {kind!r}")


def make_encoder(settings: TextSettings) -> Encoder:
    """The encoder `settings.encoder` names; models load lazily, on first `encode`.

    ``"remote"`` with ``remote.fallback`` set gives a `FallbackEncoder` that settles at first
    use on the endpoint, or on the local fallback if the endpoint fails then. Whether text
    features are used at all (`settings.enabled`) is the caller's decision, not this one's.
    """
    if settings.encoder != "remote":
        return _local(settings.encoder, settings)
    remote = RemoteEncoder(settings.remote)
    if settings.remote.fallback is None:
        return remote
    return FallbackEncoder(remote, partial(_local, settings.remote.fallback, settings))
