"""Text encoders that run on a CPU without torch.

`OnnxEncoder` runs the fine-tuned transformer (accurate tier) with onnxruntime and tokenizers; the ONNX
graph already mean-pools, so one call gives one vector per text. `StaticEncoder` looks up static token
vectors distilled from the same encoder (fast tier, model2vec): no attention, thousands of posts a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from groundswell.errors import ConfigurationError


class OnnxEncoder:
    def __init__(
        self, model_path: Path, tokenizer_path: Path, *, model_id: str, max_length: int = 128, threads: int = 0
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise ConfigurationError(
                    f"model file {path} is missing; reinstall groundswell or run `groundswell train encoder`"
                )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=max_length)
        self._tokenizer.no_padding()
        self.model_id = model_id
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def pooled(self, texts: Sequence[str], *, chunk: int = 32) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        # Similar lengths together: padding is wasted work, and tweets vary from 3 to 60 tokens.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(encodings), self.dimension), dtype=np.float32)
        for start in range(0, len(order), chunk):
            picked = order[start : start + chunk]
            width = max(len(encodings[i].ids) for i in picked)
            ids = np.zeros((len(picked), width), dtype=np.int64)
            mask = np.zeros((len(picked), width), dtype=np.int64)
            for row, index in enumerate(picked):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            out[picked] = self._session.run(None, feeds)[0]
        return out


class StaticEncoder:
    """Mean of static token vectors (model2vec's layout: `model.safetensors` with `embeddings`, plus
    `tokenizer.json`), pooled for a whole batch with one `np.add.reduceat`."""

    def __init__(self, folder: Path, *, model_id: str, max_tokens: int = 512) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
            raise ConfigurationError(
                f"static model folder {folder} is missing or incomplete; reinstall "
                "groundswell or run `groundswell train encoder`"
            )
        # int8 tables share one scale, so dropping it changes lengths, not directions.
        self._table = load_file(str(folder / "model.safetensors"))["embeddings"].astype(np.float32)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._max_tokens = max_tokens
        self.model_id = model_id
        self.dimension = int(self._table.shape[1])

    def pooled(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
        ids = [e.ids[: self._max_tokens] or [0] for e in encodings]
        lengths = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter((t for row in ids for t in row), dtype=np.int64, count=int(lengths.sum()))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        sums: np.ndarray = np.add.reduceat(self._table[flat], starts, axis=0)
        return sums / lengths[:, None]
