"""Converts data/encoder.onnx to model/encoder.nnef.tar with tract's own Python wheel.

The tar is the reference the hand-written forward pass is checked against
(`tests/tract_reference.rs` runs it in tract-nnef). T stays symbolic (the dump declares
`tract_symbol T`), so one graph serves every text length. The tar's member times are
the export's: a retrain that reproduces the model changes only those bytes.
"""
import sys
from pathlib import Path

import numpy as np
import tract

from .train import WIDTH


def main(data_dir: str, model_dir: str) -> None:
    data, out = Path(data_dir), Path(model_dir)
    onnx_model = tract.onnx().load(str(data / "encoder.onnx"))
    onnx_model.set_input_fact(0, f"1,{WIDTH},T,f32")
    model = onnx_model.into_model()
    tar = out / "encoder.nnef.tar"
    tract.nnef().write_model_to_tar(model, str(tar))

    # Round trip: the NNEF must compute what the ONNX computes.
    x = np.random.default_rng(0).normal(size=(1, WIDTH, 37)).astype(np.float32)
    want = tract.onnx().load(str(data / "encoder.onnx"))
    want.set_input_fact(0, f"1,{WIDTH},T,f32")
    a = want.into_model().into_runnable().run([x])[0].to_numpy()
    b = tract.nnef().load(str(tar)).into_runnable().run([x])[0].to_numpy()
    diff = float(np.abs(a - b).max())
    assert diff < 1e-4, f"NNEF differs from ONNX by {diff}"
    print(f"wrote {tar} ({tar.stat().st_size} bytes); max |NNEF - ONNX| = {diff:.2e}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
