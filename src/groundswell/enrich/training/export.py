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

    class Pooled(torch.nn.Module):  # type: ignore[misc,unused-ignore]
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
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
        quantise_weights(fp32_path, final)
        fp32_path.unlink()
    else:
        fp32_path.replace(final)
    shutil.copy(model_dir / "tokenizer.json", output / "tokenizer.json")
    return final


def quantise_weights(source: Path, target: Path) -> None:
    """int8 weights, float activations.

    onnxruntime's dynamic quantisation scales activations per tensor, that is per batch: the same post
    then gets a vector up to 19 % different depending on its batch-mates (measured), which breaks "same
    input, same output" and the Ray/local equivalence, and costs accuracy. Weight-only int8 (MatMulNBits,
    blocks of 32, with int8 compute that scales each row on its own) stays within about 3 % of float32
    and gives every post the same vector in any batch. The word-embedding table, the largest tensor,
    becomes int8 with one scale per row.
    """
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    settings: dict[str, Any] = {
        "block_size": 32,
        "is_symmetric": True,
        "bits": 8,
        "accuracy_level": 4,
        "op_types_to_quantize": ("MatMul",),
        "quant_axes": (("MatMul", 0),),
    }
    quantiser = MatMulNBitsQuantizer(
        onnx.load(str(source)), **settings, algo_config=DefaultWeightOnlyQuantConfig(**settings)
    )
    quantiser.process()
    model = quantiser.model.model
    _int8_embedding_table(model)
    onnx.save(model, str(target))


def _int8_embedding_table(model: Any) -> None:
    """Gather(table, ids) becomes Gather(int8 table, ids) * Gather(row scales, ids)."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    initialisers = {i.name: i for i in model.graph.initializer}
    gathers = [n for n in model.graph.node if n.op_type == "Gather" and n.input[0] in initialisers]
    node = max(gathers, key=lambda n: int(np.prod(initialisers[n.input[0]].dims)))
    table = numpy_helper.to_array(initialisers[node.input[0]]).astype(np.float32)
    scales = np.maximum(np.abs(table).max(axis=1, keepdims=True), 1e-12) / 127.0
    quantised = np.round(table / scales).astype(np.int8)
    model.graph.initializer.remove(initialisers[node.input[0]])
    name = node.input[0]
    model.graph.initializer.extend(
        [
            numpy_helper.from_array(quantised, f"{name}.int8"),
            numpy_helper.from_array(scales.astype(np.float32), f"{name}.scale"),
        ]
    )
    index = list(model.graph.node).index(node)
    output, ids = node.output[0], node.input[1]
    replacement = [
        helper.make_node("Gather", [f"{name}.int8", ids], [f"{output}.int8"], axis=0),
        helper.make_node("Cast", [f"{output}.int8"], [f"{output}.float"], to=onnx.TensorProto.FLOAT),
        helper.make_node("Gather", [f"{name}.scale", ids], [f"{output}.scale"], axis=0),
        helper.make_node("Mul", [f"{output}.float", f"{output}.scale"], [output]),
    ]
    model.graph.node.remove(node)
    for offset, new in enumerate(replacement):
        model.graph.node.insert(index + offset, new)


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
