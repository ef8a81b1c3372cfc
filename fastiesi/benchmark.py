"""End-to-end throughput runner (``fastiesi bench``, ``make bench``).

Renders pairs with the generator (rooms and stores, noise and JPEG, as the evaluation does), then
measures on this machine, in one run:

* warm latency per pair, in total and per stage (p50 / p90 / p99), one process;
* the same with the pre frame's work cached for the camera (:class:`~fastiesi.pipeline.Reference`);
* cold start: a fresh interpreter's import time, first pair and second pair;
* peak RSS of a fresh process assessing pairs;
* throughput (pairs/s) in one process and across ``workers`` processes, and their ratio.

The result is a JSON file under ``bench/results/`` with the machine, versions and backend, plus a
PNG chart of where the time goes. Times are medians or percentiles, never single runs.
"""

from __future__ import annotations

import datetime
import functools
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .backend.select import resolve_backend
from .errors import InputError

STAGE_ORDER = ("load", "people", "brightness", "preprocess", "features", "quality", "register", "complexity",
               "segment", "movement", "intensity")


@dataclass(frozen=True)
class BenchSettings:
    pairs: int = 12
    repeats: int = 3  # warm passes over the pairs
    workers: int = 0  # 0: every core
    backend: str = "cpu"
    cold: bool = True  # measure a fresh interpreter too
    baseline_pairs: int = 0  # run bench/baseline.py (the plain pipeline) on this many pairs


def bench_pairs(n: int, *, seed: int = 100) -> list[tuple[np.ndarray, np.ndarray]]:
    """``n`` pairs, two rooms to one store, intensities V..IX, noise 2 and JPEG 90; every other
    pair with slight camera shake (a quake's usual case: registration, black edges cropped)."""
    from .synth import render_intensity

    out = []
    for k in range(n):
        layout = "store" if k % 3 == 2 else "room"
        shake = "slight" if k % 2 else "none"
        p = render_intensity(5 + k % 5, seed=seed + k, layout=layout, shake=shake, noise_sigma=2.0,  # type: ignore[arg-type]
                             jpeg_quality=90)
        out.append((p.pre, p.post))
    return out


def _percentiles(values: list[float]) -> dict[str, float]:
    a = np.asarray(values, np.float64)
    return {"p50": round(float(np.percentile(a, 50)), 3), "p90": round(float(np.percentile(a, 90)), 3),
            "p99": round(float(np.percentile(a, 99)), 3), "n": int(a.size)}


def _assess_all(pairs: list[tuple[np.ndarray, np.ndarray]], repeats: int, cached: bool,
                backend: str = "cpu") -> tuple[list[float], dict[str, list[float]]]:
    from .pipeline import Reference, assess

    totals: list[float] = []
    stages: dict[str, list[float]] = {}
    refs = [Reference.from_frame(pre, backend=backend) for pre, _ in pairs] if cached else None
    for _ in range(repeats):
        for i, (pre, post) in enumerate(pairs):
            t0 = time.perf_counter()  # the GPU backend's masks come back to the host inside
            a = assess(refs[i] if refs else pre, post, backend=backend)
            totals.append((time.perf_counter() - t0) * 1e3)
            for k, v in a.timings_ms.items():
                stages.setdefault(k, []).append(v)
    return totals, stages


_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


_WORKER: dict[str, Any] = {}  # a batch worker's own pairs and backend (see _batch_worker)


def _batch_worker(n_pairs: int, backend: str = "cpu") -> None:
    """Batch workers: one process per core, each single-threaded, so they do not compete. Each
    renders the bench's pairs itself (the same seeds, so the same pairs) and is then sent only
    their indices, as a worker of a real batch is sent file names and reads its own frames:
    shipping the frames through the pool's pipes cost about 30 ms a pair of pickling on this
    machine (bench/NOTES.md), which measured the pipes, not the engine. Each assesses a pair
    before the clock starts (imports, Numba's cache, OpenCV's lazy set-up), as a long-running
    worker would have. ``pool.map`` over one pair per worker does not do this: it may hand both
    to the same worker."""
    cv2.setNumThreads(1)
    _WORKER["pairs"] = bench_pairs(n_pairs)
    _WORKER["backend"] = backend
    _one(_WORKER["pairs"][0], backend)


def _one_of_worker(index: int) -> float:
    """:func:`_one` on the batch worker's own pair ``index``."""
    return _one(_WORKER["pairs"][index], _WORKER["backend"])


def _one(pair: tuple[np.ndarray, np.ndarray], backend: str = "cpu") -> float:
    from .pipeline import assess

    t0 = time.perf_counter()
    assess(*pair, backend=backend)
    return time.perf_counter() - t0


_COLD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import numpy as np
from fastiesi import assess
t1 = time.perf_counter()
data = np.load(sys.argv[1])
pre, post = data["pre"], data["post"]
ts = []
for _ in range(int(sys.argv[2])):
    s = time.perf_counter(); assess(pre, post, backend=sys.argv[3]); ts.append((time.perf_counter() - s) * 1e3)
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "first_ms": ts[0], "second_ms": ts[1] if len(ts) > 1 else None,
                  "steady_ms": sorted(ts[1:])[len(ts[1:]) // 2] if len(ts) > 2 else None,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _cold_start(pair: tuple[np.ndarray, np.ndarray], runs: int = 5, backend: str = "cpu") -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "pair.npz"
        np.savez(f, pre=pair[0], post=pair[1])
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        res = subprocess.run([sys.executable, "-c", _COLD, str(f), str(runs), backend], capture_output=True, text=True,
                             env=env, timeout=600)
    if res.returncode != 0:
        raise InputError(f"cold-start run failed: {res.stderr.strip().splitlines()[-1] if res.stderr else res.returncode}")
    return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in json.loads(res.stdout).items()}


def machine(backend: str = "cpu") -> dict[str, Any]:
    from .report import versions

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    out = {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(),
           "opencv_threads": cv2.getNumThreads(), "versions": versions()}
    if backend == "gpu":
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
        name = props["name"]
        out["gpu"] = name.decode() if isinstance(name, bytes) else str(name)
        out["cupy"] = cupy.__version__
    return out


def run_benchmark(settings: BenchSettings | None = None) -> dict[str, Any]:
    s = settings or BenchSettings()
    if s.pairs < 1 or s.repeats < 1:
        raise InputError("bench needs at least one pair and one repeat")
    backend, fallback = resolve_backend(s.backend)  # "gpu" without a device fails here, before any work
    pairs = bench_pairs(s.pairs)
    _assess_all(pairs[:1], 1, cached=False, backend=backend)  # warm-up: first-call costs belong to the cold start
    totals, stages = _assess_all(pairs, s.repeats, cached=False, backend=backend)
    c_totals, c_stages = _assess_all(pairs, s.repeats, cached=True, backend=backend)
    # Throughput: the same work sequentially and across processes.
    one = functools.partial(_one, backend=backend)
    t0 = time.perf_counter()
    for p in pairs:
        one(p)
    single_pps = len(pairs) / (time.perf_counter() - t0)
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # the same process with OpenCV's own threading off: the per-core rate
    try:
        t0 = time.perf_counter()
        for p in pairs:
            one(p)
        single_1t_pps = len(pairs) / (time.perf_counter() - t0)
    finally:
        cv2.setNumThreads(threads)
    workers = s.workers or os.cpu_count() or 1
    work = list(range(len(pairs))) * max(1, -(-12 * workers // len(pairs)))  # at least 12 pairs per worker
    saved = {k: os.environ.get(k) for k in _THREAD_VARS}
    os.environ.update({k: "1" for k in _THREAD_VARS})  # inherited by the spawned workers
    # Spawned, not forked: a forked child inherits OpenCV's thread pool in a broken state.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_batch_worker, initargs=(len(pairs), backend)) as pool:
        list(pool.map(_one_of_worker, range(min(workers, len(pairs)))))  # every worker started (each warmed itself)
        t0 = time.perf_counter()
        list(pool.map(_one_of_worker, work))
        batch_pps = len(work) / (time.perf_counter() - t0)
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "settings": asdict(s), "machine": machine(backend), "backend": backend,
        "backend_note": fallback or ("the segmentation's frame-wide masks on the GPU, the other stages on the CPU"
                                     if backend == "gpu" else None),
        "frame": [int(pairs[0][0].shape[1]), int(pairs[0][0].shape[0])],
        "warm_ms": {"total": _percentiles(totals), **{k: _percentiles(v) for k, v in stages.items()}},
        "cached_pre_ms": {"total": _percentiles(c_totals), **{k: _percentiles(v) for k, v in c_stages.items()}},
        "throughput": {"single_process_pairs_per_s": round(single_pps, 3),
                       "single_process_one_thread_pairs_per_s": round(single_1t_pps, 3), "workers": workers,
                       "batch_pairs_per_s": round(batch_pps, 3), "speedup": round(batch_pps / single_pps, 3),
                       "speedup_over_one_thread": round(batch_pps / single_1t_pps, 3)},
    }
    if s.cold:
        result["cold_start"] = _cold_start(pairs[0], backend=backend)
    if s.baseline_pairs:
        result["baseline"] = _baseline(pairs[: s.baseline_pairs], totals)
    return result


BASELINE = Path(__file__).resolve().parents[1] / "bench" / "baseline.py"


def _baseline(pairs: list[tuple[np.ndarray, np.ndarray]], ours_ms: list[float]) -> dict[str, Any]:
    """The plain pipeline of bench/baseline.py (a repository file, not part of the package)."""
    import importlib.util

    if not BASELINE.is_file():
        raise InputError(f"the baseline needs the repository's {BASELINE.relative_to(BASELINE.parents[1])}")
    spec = importlib.util.spec_from_file_location("fastiesi_bench_baseline", BASELINE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        runs = [module.assess_plain(pre, post) for pre, post in pairs]
    except ImportError as exc:  # scikit-image / scikit-learn are the bench extra's
        return {"skipped": f"the baseline needs {exc.name or 'its libraries'}: pip install 'fastiesi[bench]'"}
    stages = {k: _percentiles([r.get(k, 0.0) for r in runs]) for k in runs[0]}
    ours = float(np.median(ours_ms))
    return {"pairs": len(runs), "ms": stages, "speedup": round(stages["total"]["p50"] / ours, 2)}


def format_table(r: dict[str, Any]) -> str:
    w, c = r["warm_ms"], r["cached_pre_ms"]
    lines = [f"machine: {r['machine']['cpu']} ({r['machine']['cores']} cores), backend {r['backend']}, "
             f"frame {r['frame'][0]}x{r['frame'][1]}",
             f"{'stage':<12}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'cached p50':>12}"]
    for k in [k for k in STAGE_ORDER if k in w] + ["total"]:
        cp = c.get(k, {}).get("p50")
        lines.append(f"{k:<12}{w[k]['p50']:>9.1f}{w[k]['p90']:>9.1f}{w[k]['p99']:>9.1f}"
                     + (f"{cp:>12.1f}" if cp is not None else f"{'-':>12}"))
    t = r["throughput"]
    lines.append(f"throughput: {t['single_process_pairs_per_s']:.2f} pairs/s in one process "
                 f"({t['single_process_one_thread_pairs_per_s']:.2f} with OpenCV on one thread), "
                 f"{t['batch_pairs_per_s']:.2f} on {t['workers']} single-threaded processes "
                 f"({t['speedup']:.2f}x; {t['speedup_over_one_thread']:.2f}x the one-thread rate)")
    if "baseline" in r and "skipped" in r["baseline"]:
        lines.append(f"plain baseline: skipped ({r['baseline']['skipped']})")
    elif "baseline" in r:
        b = r["baseline"]
        lines.append(f"plain baseline (bench/baseline.py, {b['pairs']} pairs): {b['ms']['total']['p50']:.0f} ms a pair; "
                     f"ours is {b['speedup']:.1f}x faster")
    if "cold_start" in r:
        cs = r["cold_start"]
        lines.append(f"cold start: import {cs['import_ms']:.0f} ms, first pair {cs['first_ms']:.0f} ms, "
                     f"second {cs['second_ms']:.0f} ms; peak RSS {cs['peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


def render_chart(r: dict[str, Any], path: Path) -> Path:
    """A bar per run kind (warm, cached pre frame), split into the stages' median times."""
    palette = [(180, 119, 31), (14, 127, 255), (44, 160, 44), (40, 39, 214), (189, 103, 148), (75, 86, 140),
               (194, 119, 227), (127, 127, 127), (34, 189, 188), (207, 190, 23), (120, 200, 255)]
    rows = [("warm", r["warm_ms"]), ("pre cached", r["cached_pre_ms"])]
    scale_max = max(sum(v["p50"] for k, v in d.items() if k in STAGE_ORDER) for _, d in rows) or 1.0
    width, left, bar_h = 900, 110, 40
    img = np.full((70 + len(rows) * 60 + 40 * ((len(STAGE_ORDER) + 4) // 5), width, 3), 255, np.uint8)
    cv2.putText(img, f"fastiesi, median ms per pair by stage ({r['backend']}, {r['frame'][0]}x{r['frame'][1]})",
                (10, 25), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    px = (width - left - 90) / scale_max
    for i, (name, d) in enumerate(rows):
        y = 50 + i * 60
        cv2.putText(img, name, (10, y + 26), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        x = float(left)
        for j, k in enumerate(STAGE_ORDER):
            if k not in d:
                continue
            w = d[k]["p50"] * px
            cv2.rectangle(img, (int(x), y), (int(x + w), y + bar_h), palette[j % len(palette)], -1)
            x += w
        cv2.putText(img, f"{sum(d[k]['p50'] for k in STAGE_ORDER if k in d):.0f} ms", (int(x) + 6, y + 26),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    y0 = 60 + len(rows) * 60
    for j, k in enumerate(STAGE_ORDER):
        x, y = 10 + (j % 5) * 175, y0 + (j // 5) * 30
        cv2.rectangle(img, (x, y), (x + 16, y + 16), palette[j % len(palette)], -1)
        cv2.putText(img, k, (x + 22, y + 13), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img)
    return path


def write_result(r: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    stem = f"bench-{r['date'][:10]}-{r['backend']}"
    out_dir.mkdir(parents=True, exist_ok=True)
    j = out_dir / f"{stem}.json"
    j.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    return j, render_chart(r, out_dir / f"{stem}.png")
