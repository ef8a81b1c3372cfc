"""Does the GPU segmentation pay a first-call cost at every new frame size or batch size? (a
diagnosis run: the pipeline's frames are crops whose size changes from pair to pair, and a batch
of references has as many frames as cameras.)
    python bench/gpu_shapes.py
Times FrameMasks(backend="gpu") twice at each of several sizes, and profiles one first call."""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastiesi.stages.preprocess import enhance
from fastiesi.stages.segment import FrameMasks
from fastiesi.synth import render_intensity


def main() -> None:
    gray = enhance(render_intensity(7, seed=1, noise_sigma=2.0).pre).filtered
    FrameMasks(gray, backend="gpu")
    for h, w in ((600, 800), (596, 792), (588, 780), (581, 777), (600, 800)):
        t = []
        for _ in range(2):
            t0 = time.perf_counter()
            FrameMasks(gray[:h, :w], backend="gpu")
            t.append((time.perf_counter() - t0) * 1e3)
        print(f"{h}x{w}: first {t[0]:.1f} ms, second {t[1]:.1f} ms", flush=True)
    grays = [gray] * 17
    for n in (3, 5, 16, 16):
        t0 = time.perf_counter()
        FrameMasks.batch(grays[:n], backend="gpu")
        print(f"batch of {n}: {(time.perf_counter() - t0) * 1e3:.1f} ms", flush=True)
    prof = cProfile.Profile()
    prof.enable()
    FrameMasks.batch(grays[:7], backend="gpu")  # a batch size not run before
    prof.disable()
    s = io.StringIO()
    pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(12)
    s2 = io.StringIO()
    pstats.Stats(prof, stream=s2).sort_stats("cumulative").print_stats(30)
    print(s.getvalue()[-3000:])
    print(s2.getvalue()[-6000:])


if __name__ == "__main__":
    main()
