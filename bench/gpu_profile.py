"""Where the GPU segmentation's time goes, per step and per batch size (a diagnosis run for a
lease, beside bench/gpu_proof.py):  python bench/gpu_profile.py

Each step of the batched multi-scale Canny and masks is wrapped by a timer that synchronises the
device before and after it, so a step's time is its own device work plus its host work
(inclusive of the steps it calls). Prints a table per batch size, then cProfile's top entries
for the largest batch. Writes gpu-profile.txt to $OUT when set.
"""

from __future__ import annotations

import collections
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cupy as cp

from fastiesi.backend import canny_batch, edges_batch, gpu_ops, masks_batch
from fastiesi.stages import segment

STEPS = {
    edges_batch: ["gaussian_blur_batch", "adaptive_thresholds_batch", "canny_batch", "pyr_down_batch",
                  "resize_nearest_batch", "multiscale_canny_batch", "adaptive_canny_batch"],
    canny_batch: ["canny_batch"],
    masks_batch: ["fill_holes_batch", "nested_morphology_batch", "cleaned_edges_batch", "frame_masks_batch",
                  "region_kernel_sizes_batch"],
    gpu_ops: ["box_morph_gpu", "region_median_gpu"],
    segment: ["closed_bottoms", "_device_masks"],
}
totals: dict[str, float] = collections.defaultdict(float)
calls: dict[str, int] = collections.defaultdict(int)


def _timed(name, fn):
    def wrapper(*a, **k):
        cp.cuda.Device().synchronize()
        t0 = time.perf_counter()
        out = fn(*a, **k)
        cp.cuda.Device().synchronize()
        totals[name] += (time.perf_counter() - t0) * 1e3
        calls[name] += 1
        return out
    return wrapper


def install() -> None:
    wrapped = {}
    for mod, names in STEPS.items():
        for n in names:
            orig = getattr(mod, n)
            if id(orig) not in wrapped:
                wrapped[id(orig)] = _timed(n, orig)
            setattr(mod, n, wrapped[id(orig)])
    label = masks_batch._DeviceOps.label
    masks_batch._DeviceOps.label = _timed("label (cupyx)", label)


def main() -> None:
    from fastiesi.stages.preprocess import enhance
    from fastiesi.synth import render_intensity

    grays = [enhance(render_intensity(5 + k % 5, seed=k, noise_sigma=2.0).pre).filtered for k in range(16)]
    lines = []
    segment.FrameMasks.batch(grays[:2], backend="gpu")  # compile everything
    install()
    for n in (1, 2, 4, 16):
        for _ in range(2):  # the second run is the one reported
            totals.clear()
            calls.clear()
            t0 = time.perf_counter()
            segment.FrameMasks.batch(grays[:n], backend="gpu")
            wall = (time.perf_counter() - t0) * 1e3
        lines.append(f"batch {n}: {wall:.1f} ms, {wall / n:.1f} ms a frame")
        for name, t in sorted(totals.items(), key=lambda kv: -kv[1]):
            lines.append(f"   {name:<28}{t:>9.1f} ms {calls[name]:>4} calls")
    prof = cProfile.Profile()
    prof.enable()
    segment.FrameMasks.batch(grays, backend="gpu")
    prof.disable()
    s = io.StringIO()
    pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(25)
    text = s.getvalue() + "\n" + "\n".join(lines)
    if os.environ.get("OUT"):
        Path(os.environ["OUT"], "gpu-profile.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
