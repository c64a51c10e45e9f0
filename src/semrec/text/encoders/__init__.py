"""Text encoders behind one interface, chosen by `make_encoder` from `TextSettings`.

`usem` (the default: multilingual, numpy only), `minilm-onnx` (English, int8 ONNX),
`minilm-torch` (extra ``semrec[torch]``), `remote` (an OpenAI-compatible endpoint, with an
optional local fallback) and `hashing` (deterministic, model-free, for tests).
`CachedEncoder` puts any of them in front of an embedding cache.
"""

from __future__ import annotations

from semrec.text.encoders.base import Encoder, EncoderError, l2_normalise
from semrec.text.encoders.cached import CachedEncoder, CacheStats, content_key, normalise_text
from semrec.text.encoders.factory import make_encoder
from semrec.text.encoders.fallback import FallbackEncoder
from semrec.text.encoders.hashing import HashingEncoder
from semrec.text.encoders.minilm import MiniLMOnnxEncoder, MiniLMTorchEncoder, torch_available
from semrec.text.encoders.remote import RemoteEncoder
from semrec.text.encoders.usem import UsemEncoder

__all__ = [
    "CacheStats",
    "CachedEncoder",
    "Encoder",
    "EncoderError",
    "FallbackEncoder",
    "HashingEncoder",
    "MiniLMOnnxEncoder",
    "MiniLMTorchEncoder",
    "RemoteEncoder",
    "UsemEncoder",
    "content_key",
    "l2_normalise",
    "make_encoder",
    "normalise_text",
    "torch_available",
]
