"""Export a fine-tuned encoder for CPU inference without torch: ONNX with mean pooling inside the graph,
quantised to int8, plus the fast tier's static vectors distilled from the same encoder (model2vec)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


def export_onnx(model_dir: Path, output: Path, *, quantise: bool = True) -> Path:
    """`output/encoder.onnx` (int8 when `quantise`) and `output/tokenizer.json`."""
    import torch
    from transformers import AutoModel

    from groundswell.enrich.training.finetune import mean_pool

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            return mean_pool(hidden, attention_mask)

    output.mkdir(parents=True, exist_ok=True)
    model = Pooled(AutoModel.from_pretrained(str(model_dir)).eval())
    sample = torch.ones((2, 8), dtype=torch.long)
    fp32_path = output / "encoder.fp32.onnx"
    torch.onnx.export(
        model,
        (sample, sample, torch.zeros_like(sample)),
        str(fp32_path),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["pooled"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")}
        | {"pooled": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    final = output / "encoder.onnx"
    if quantise:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32_path), str(final), weight_type=QuantType.QInt8)
        fp32_path.unlink()
    else:
        fp32_path.replace(final)
    shutil.copy(model_dir / "tokenizer.json", output / "tokenizer.json")
    return final


def distill_static(model_dir: Path, output: Path, *, dimensions: int = 128) -> Path:
    """The fast tier: model2vec's `distill` turns the encoder into static token vectors (offline, local).
    128 int8 dimensions keep it under 4 MB, so the whole bundle stays under 30 MB."""
    from model2vec.distill import distill

    static = distill(model_name=str(model_dir), pca_dims=dimensions, quantize_to="int8")
    target = output / "static"
    if target.exists():
        shutil.rmtree(target)
    static.save_pretrained(str(target))
    return target
