"""Training the bundled models. Needs the `[train]` extra (torch, transformers, onnx, model2vec); nothing
here is imported at run time."""
