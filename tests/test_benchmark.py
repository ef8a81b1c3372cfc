"""The throughput runner works end to end on a tiny input (timings are measured, not asserted)."""

from __future__ import annotations

import json

import pytest

from fastiesi.benchmark import BenchSettings, format_table, run_benchmark, write_result
from fastiesi.errors import InputError


def test_runner_writes_json_table_and_chart(tmp_path):
    r = run_benchmark(BenchSettings(pairs=1, repeats=1, workers=1, cold=False))
    assert {"warm_ms", "cached_pre_ms", "throughput", "machine", "backend"} <= set(r)
    assert {"p50", "p90", "p99"} <= set(r["warm_ms"]["total"]) and "segment" in r["warm_ms"]
    assert "features" not in r["cached_pre_ms"] or r["cached_pre_ms"]["features"]["p50"] >= 0
    assert r["throughput"]["batch_pairs_per_s"] > 0
    j, png = write_result(r, tmp_path)
    assert json.loads(j.read_text())["backend"] == "cpu" and png.stat().st_size > 1000
    assert "total" in format_table(r)


def test_gpu_backend_without_a_gpu_fails_before_any_work(monkeypatch):
    from fastiesi.backend import select
    from fastiesi.errors import DeviceUnavailableError

    monkeypatch.setattr(select, "gpu_problem", lambda: "no CUDA device is visible")
    with pytest.raises(DeviceUnavailableError, match="no CUDA device"):
        run_benchmark(BenchSettings(pairs=1, backend="gpu"))
    with pytest.raises(InputError, match="backend"):
        run_benchmark(BenchSettings(pairs=1, backend="cuda"))
