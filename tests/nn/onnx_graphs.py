"""Tiny ONNX graphs with the YOLOv8 and SAM signatures, built in the tests (random weights,
ir_version 10), whose outputs are known: the weights feed a branch multiplied by zero, so the
graph is a real network of the right shape while its answer is what the test put in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 10


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def _zero_branch(name: str, input_name: str, channels: int, rng: np.random.Generator) -> tuple[list, list, str]:
    """A 1x1 conv with random weights over the input, reduced to (N, 1, 1) and multiplied by 0."""
    w = numpy_helper.from_array(rng.normal(size=(4, channels, 1, 1)).astype(np.float32), f"{name}_w")
    zero = numpy_helper.from_array(np.zeros(1, np.float32), f"{name}_zero")
    shape = numpy_helper.from_array(np.array([-1, 1, 1], np.int64), f"{name}_shape")
    nodes = [
        helper.make_node("Conv", [input_name, f"{name}_w"], [f"{name}_conv"]),
        helper.make_node("ReduceMean", [f"{name}_conv"], [f"{name}_mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", [f"{name}_mean", f"{name}_shape"], [f"{name}_n11"]),
        helper.make_node("Mul", [f"{name}_n11", f"{name}_zero"], [f"{name}_out"]),
    ]
    return nodes, [w, zero, shape], f"{name}_out"


def yolov8_graph(path: Path, rows: np.ndarray, *, size: int = 64, transposed: bool = False,
                 dynamic_batch: bool = True, seed: int = 0) -> Path:
    """``images`` (N, 3, size, size) -> ``output0`` (N, 84, A) whose every image's rows are
    ``rows`` (A, 84): cx, cy, w, h in input pixels and 80 class scores."""
    rng = np.random.default_rng(seed)
    rows = np.asarray(rows, np.float32)
    const = rows[None] if transposed else rows.T[None]
    nodes, inits, zero = _zero_branch("z", "images", 3, rng)
    inits.append(numpy_helper.from_array(const, "table"))
    nodes.append(helper.make_node("Add", [zero, "table"], ["output0"]))
    n = "N" if dynamic_batch else 1
    out_shape = [n, rows.shape[0], 84] if transposed else [n, 84, rows.shape[0]]
    graph = helper.make_graph(nodes, "yolov8_tiny",
                              [helper.make_tensor_value_info("images", TensorProto.FLOAT, [n, 3, size, size])],
                              [helper.make_tensor_value_info("output0", TensorProto.FLOAT, out_shape)], inits)
    return _save(graph, path)


def sam_encoder_graph(path: Path, *, seed: int = 0) -> Path:
    """(1, 3, 1024, 1024) -> (1, 256, 64, 64): 16x16 average pooling and a random 1x1 conv."""
    rng = np.random.default_rng(seed)
    w = numpy_helper.from_array(rng.normal(size=(256, 3, 1, 1)).astype(np.float32), "w")
    nodes = [helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[16, 16], strides=[16, 16]),
             helper.make_node("Conv", ["pooled", "w"], ["image_embeddings"])]
    graph = helper.make_graph(nodes, "sam_encoder_tiny",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 1024, 1024])],
                              [helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [1, 256, 64, 64])],
                              [w])
    return _save(graph, path)


def sam_decoder_graph(path: Path, *, seed: int = 0) -> Path:
    """The official SAM decoder signature. Mask 1 of 3 is the prompt box itself (logit > 0 inside
    it, in original-image pixels) and has the best IoU prediction; mask 0 is its complement and
    mask 2 is empty, so picking the best-scored mask is tested too."""
    rng = np.random.default_rng(seed)
    inits = [
        numpy_helper.from_array(np.array([0], np.int64), "i0"),
        numpy_helper.from_array(np.array([1], np.int64), "i1"),
        numpy_helper.from_array(np.array([2], np.int64), "i2"),
        numpy_helper.from_array(np.array([1024.0], np.float32), "s1024"),
        numpy_helper.from_array(np.array([0.5], np.float32), "half"),
        numpy_helper.from_array(np.array([-1.0], np.float32), "minus1"),
        numpy_helper.from_array(np.array([-100.0], np.float32), "neg"),
        numpy_helper.from_array(np.array([[0.1, 0.9, 0.3]], np.float32), "iou_table"),
        numpy_helper.from_array(rng.normal(size=(1, 256, 1, 1)).astype(np.float32), "emb_w"),
        numpy_helper.from_array(np.zeros(1, np.float32), "zero"),
    ]
    n = []
    # Scale from the 1024 frame back to the original image: max(H, W) / 1024.
    inits += [numpy_helper.from_array(np.array(0, np.int64), "s0"),
              numpy_helper.from_array(np.array(1, np.int64), "s1")]
    n += [helper.make_node("Gather", ["orig_im_size", "s0"], ["H"]),
          helper.make_node("Gather", ["orig_im_size", "s1"], ["W"]),
          helper.make_node("Max", ["H", "W"], ["long"]),
          helper.make_node("Div", ["long", "s1024"], ["back"])]
    # Box corners (labels 2, 3) in original pixels.
    n += [helper.make_node("Squeeze", ["point_coords", "i0"], ["pts"]),  # (P, 2)
          helper.make_node("Mul", ["pts", "back"], ["pts_img"]),
          helper.make_node("Gather", ["pts_img", "s0"], ["p0"]),  # (2,)
          helper.make_node("Gather", ["pts_img", "s1"], ["p1"]),
          helper.make_node("Gather", ["p0", "s0"], ["x0"]), helper.make_node("Gather", ["p0", "s1"], ["y0"]),
          helper.make_node("Gather", ["p1", "s0"], ["x1"]), helper.make_node("Gather", ["p1", "s1"], ["y1"])]
    # Pixel-centre grids of the original size: xs (1, W), ys (H, 1).
    n += [helper.make_node("Cast", ["W"], ["Wi"], to=TensorProto.INT64),
          helper.make_node("Cast", ["H"], ["Hi"], to=TensorProto.INT64),
          helper.make_node("Range", ["zero_i", "Wi", "one_i"], ["xr"]),
          helper.make_node("Range", ["zero_i", "Hi", "one_i"], ["yr"]),
          helper.make_node("Cast", ["xr"], ["xf"], to=TensorProto.FLOAT),
          helper.make_node("Cast", ["yr"], ["yf"], to=TensorProto.FLOAT),
          helper.make_node("Add", ["xf", "half"], ["xc"]), helper.make_node("Add", ["yf", "half"], ["yc"]),
          helper.make_node("Unsqueeze", ["xc", "i0"], ["xs"]),  # (1, W)
          helper.make_node("Unsqueeze", ["yc", "i1"], ["ys"])]  # (H, 1)
    inits += [numpy_helper.from_array(np.array(0, np.int64), "zero_i"),
              numpy_helper.from_array(np.array(1, np.int64), "one_i")]
    # Back-scale is a scalar; H, W scalars too.
    # Inside-box logit: min of the four signed distances (> 0 inside).
    n += [helper.make_node("Sub", ["xs", "x0"], ["dl"]), helper.make_node("Sub", ["x1", "xs"], ["dr"]),
          helper.make_node("Sub", ["ys", "y0"], ["dt"]), helper.make_node("Sub", ["y1", "ys"], ["db"]),
          helper.make_node("Min", ["dl", "dr"], ["dx"]), helper.make_node("Min", ["dt", "db"], ["dy"]),
          helper.make_node("Min", ["dx", "dy"], ["inside"]),  # (H, W)
          helper.make_node("Mul", ["inside", "minus1"], ["outside"]),
          helper.make_node("Mul", ["inside", "zero"], ["flat"]),
          helper.make_node("Add", ["flat", "neg"], ["empty"]),
          helper.make_node("Unsqueeze", ["outside", "i0"], ["m0"]),
          helper.make_node("Unsqueeze", ["inside", "i0"], ["m1"]),
          helper.make_node("Unsqueeze", ["empty", "i0"], ["m2"]),
          helper.make_node("Concat", ["m0", "m1", "m2"], ["m3"], axis=0),
          helper.make_node("Unsqueeze", ["m3", "i0"], ["masks_raw"])]
    # The embedding, mask input and labels pass through a zero-weighted branch (random weights).
    n += [helper.make_node("Mul", ["image_embeddings", "emb_w"], ["ew"]),
          helper.make_node("ReduceSum", ["ew"], ["es"], keepdims=0),
          helper.make_node("ReduceSum", ["mask_input"], ["ms"], keepdims=0),
          helper.make_node("ReduceSum", ["point_labels"], ["ls"], keepdims=0),
          helper.make_node("ReduceSum", ["has_mask_input"], ["hs"], keepdims=0),
          helper.make_node("Sum", ["es", "ms", "ls", "hs"], ["all"]),
          helper.make_node("Mul", ["all", "zero"], ["z"]),
          helper.make_node("Add", ["masks_raw", "z"], ["masks"]),
          helper.make_node("Add", ["iou_table", "z"], ["iou_predictions"])]
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        n, "sam_decoder_tiny",
        [helper.make_tensor_value_info("image_embeddings", f, [1, 256, 64, 64]),
         helper.make_tensor_value_info("point_coords", f, [1, "P", 2]),
         helper.make_tensor_value_info("point_labels", f, [1, "P"]),
         helper.make_tensor_value_info("mask_input", f, [1, 1, 256, 256]),
         helper.make_tensor_value_info("has_mask_input", f, [1]),
         helper.make_tensor_value_info("orig_im_size", f, [2])],
        [helper.make_tensor_value_info("masks", f, [1, 3, "H", "W"]),
         helper.make_tensor_value_info("iou_predictions", f, [1, 3])],
        inits)
    return _save(graph, path)
