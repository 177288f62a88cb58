"""Writes the trained weights as the model Veil ships, and the ONNX graphs that check it.

Outputs (model/ is committed, data/ is not):
- model/embeddings.bin: the hashed embedding table quantized to int8, one symmetric scale per
  row (weight-only quantization: the table is 98% of the weights; int8 makes it 4x smaller and
  is exact to 1/254 of each row's range). Layout: VOCAB*WIDTH int8, then VOCAB f32 scales, LE.
  The filter sums a token's rows in plain Rust (a gather is a loop, not a model).
- model/encoder.bin: the conv encoder's f32 weights, flat (order in `encoder_bin`), which
  classifier/src/encoder.rs runs.
- data/encoder.onnx: the same encoder as an ONNX graph, NCW, T symbolic: input `x`
  [1,WIDTH,T] (summed rows), output `logits` [1,7,T]. `to_nnef.py` turns it into
  model/encoder.nnef.tar, which tract runs in the Rust tests as the reference the hand-written
  encoder must match.
- data/veil-ner.onnx: the whole model for onnxruntime (ids [1,T,11] int64 -> logits [1,T,7]),
  int8 table included: the reference `evaluate.py` scores and compares tract against.
- data/encoder-dyn8.onnx: the encoder with onnxruntime's dynamic int8 quantization of the
  convs, and data/encoder-static8.onnx with its static int8 quantization (activations too,
  scales calibrated on CALIBRATION training examples), both measured against the f32 encoder
  (see MODEL_CARD.md).
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from . import examples as ex
from . import lexicon, tok
from .train import DILATIONS, KERNEL, WIDTH


def quantize_rows(emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(emb).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(emb / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def encoder_nodes(p: dict, inits: list, src: str) -> tuple[list, str]:
    """The conv stack over NCW input `src`; returns (nodes, name of the logits output)."""
    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr, np.float32), name))
        return name

    nodes = [
        helper.make_node("Add", [src, const("b0", p["b0"].reshape(1, WIDTH, 1))], ["x0b"]),
        helper.make_node("Relu", ["x0b"], ["x0"]),
    ]
    x = "x0"
    for i, d in enumerate(DILATIONS):
        half = KERNEL // 2
        nodes += [
            helper.make_node("Conv", [x, const(f"dw{i}", p[f"dw{i}"].reshape(WIDTH, 1, KERNEL)),
                                      const(f"dwb{i}", p[f"dwb{i}"])], [f"y{i}"],
                             group=WIDTH, kernel_shape=[KERNEL], dilations=[d],
                             pads=[half * d, half * d]),
            helper.make_node("Conv", [f"y{i}", const(f"pw{i}", p[f"pw{i}"].T.reshape(WIDTH, WIDTH, 1)),
                                      const(f"pwb{i}", p[f"pwb{i}"])], [f"z{i}"], kernel_shape=[1]),
            helper.make_node("Relu", [f"z{i}"], [f"r{i}"]),
            helper.make_node("Add", [x, f"r{i}"], [f"x{i + 1}"]),
        ]
        x = f"x{i + 1}"
    labels = len(ex.LABELS)
    nodes.append(helper.make_node(
        "Conv", [x, const("out", p["out"].T.reshape(labels, WIDTH, 1)), const("outb", p["outb"])],
        ["logits_ncw"], kernel_shape=[1]))
    return nodes, "logits_ncw"


def encoder_bin(p: dict) -> bytes:
    """b0; per block: dw [C,K], dwb [C], pw [in,out], pwb [C]; out [in,7], outb [7]. f32 LE."""
    parts = [p["b0"]]
    for i in range(len(DILATIONS)):
        parts += [p[f"dw{i}"], p[f"dwb{i}"], p[f"pw{i}"], p[f"pwb{i}"]]
    parts += [p["out"], p["outb"]]
    return b"".join(np.ascontiguousarray(a, dtype="<f4").tobytes() for a in parts)


def save(graph, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="veil-ner")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main(data_dir: str, model_dir: str) -> None:
    data, out = Path(data_dir), Path(model_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = dict(np.load(data / "params.npz"))
    q, scale = quantize_rows(p["emb"])
    (out / "vocab.bin").write_bytes((data / "vocab.bin").read_bytes())
    (out / "names.bin").write_bytes((data / "names.bin").read_bytes())
    (out / "clusters.bin").write_bytes((data / "clusters.bin").read_bytes())
    (out / "encoder.bin").write_bytes(encoder_bin(p))
    with open(out / "embeddings.bin", "wb") as f:
        f.write(q.tobytes())
        f.write(scale.astype("<f4").tobytes())

    labels = len(ex.LABELS)
    inits = []
    nodes, last = encoder_nodes(p, inits, "x")
    nodes.append(helper.make_node("Identity", [last], ["logits"]))
    save(helper.make_graph(
        nodes, "veil-ner-encoder",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, WIDTH, "T"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, labels, "T"])], inits),
        data / "encoder.onnx")

    inits = [numpy_helper.from_array(q, "emb_q"),
             numpy_helper.from_array(scale.reshape(-1, 1), "emb_scale"),
             numpy_helper.from_array(np.array([2], np.int64), "bag_axis")]
    head = [
        helper.make_node("Gather", ["emb_q", "ids"], ["rows_q"]),
        helper.make_node("Cast", ["rows_q"], ["rows_f"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["emb_scale", "ids"], ["rows_s"]),
        helper.make_node("Mul", ["rows_f", "rows_s"], ["rows"]),
        helper.make_node("ReduceSum", ["rows", "bag_axis"], ["bag"], keepdims=0),
        helper.make_node("Transpose", ["bag"], ["x"], perm=[0, 2, 1]),
    ]
    nodes, last = encoder_nodes(p, inits, "x")
    nodes.append(helper.make_node("Transpose", [last], ["logits"], perm=[0, 2, 1]))
    save(helper.make_graph(
        head + nodes, "veil-ner",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, "T", tok.IDS_PER_TOKEN])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, "T", labels])], inits),
        data / "veil-ner.onnx")

    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static
    quantize_dynamic(str(data / "encoder.onnx"), str(data / "encoder-dyn8.onnx"),
                     weight_type=QuantType.QInt8, op_types_to_quantize=["Conv"])
    lexicon.use(data)
    quantize_static(str(data / "encoder.onnx"), str(data / "encoder-static8.onnx"),
                    Calibration(data, p["emb"]), quant_format=QuantFormat.QOperator,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    op_types_to_quantize=["Conv"])
    print(f"wrote {out / 'embeddings.bin'} ({(out / 'embeddings.bin').stat().st_size} bytes), "
          f"{data / 'encoder.onnx'}, {data / 'veil-ner.onnx'}, {data / 'encoder-dyn8.onnx'}, "
          f"{data / 'encoder-static8.onnx'}")


CALIBRATION = 200


def encoder_input(text: str, emb: np.ndarray) -> np.ndarray:
    """The encoder's input for `text` (its first window): summed f32 rows, [1, WIDTH, T]."""
    _, ids = tok.encode(text)
    return emb[np.array(ids[:ex.MAX_TOKENS])].sum(axis=1).T[None].astype(np.float32)


class Calibration:
    """The first CALIBRATION training examples as encoder inputs (onnxruntime's
    CalibrationDataReader protocol)."""

    def __init__(self, data: Path, emb: np.ndarray):
        texts = [e["text"] for e in ex.load(data / "synth-train.jsonl")[:CALIBRATION]]
        self.inputs = iter([{"x": encoder_input(t, emb)} for t in texts if tok.tokenize(t)])

    def get_next(self):
        return next(self.inputs, None)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
