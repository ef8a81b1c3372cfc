"""Backend selection: cpu, gpu, auto; what runs where there is no GPU."""

from __future__ import annotations

import pytest

from fastiesi.backend import select
from fastiesi.errors import DeviceUnavailableError, InputError, MissingDependencyError


@pytest.fixture
def gpu_state(monkeypatch):
    def set_problem(why):
        monkeypatch.setattr(select, "gpu_problem", lambda: why)
    return set_problem


class TestResolveBackend:
    def test_cpu_is_cpu(self, gpu_state):
        gpu_state(None)
        assert select.resolve_backend("cpu") == ("cpu", None)

    def test_gpu_and_auto_take_a_usable_gpu(self, gpu_state):
        gpu_state(None)
        assert select.resolve_backend("gpu") == ("gpu", None)
        assert select.resolve_backend("auto") == ("gpu", None)

    def test_auto_without_a_gpu_runs_on_the_cpu_and_says_why(self, gpu_state):
        gpu_state("no CUDA device is visible")
        runs_on, note = select.resolve_backend("auto")
        assert runs_on == "cpu" and "no CUDA device" in note

    def test_gpu_without_cupy(self, gpu_state):
        gpu_state(select._NO_CUPY)
        with pytest.raises(MissingDependencyError, match="cu13"):
            select.resolve_backend("gpu")

    def test_gpu_without_a_device(self, gpu_state):
        gpu_state("no CUDA device is visible")
        with pytest.raises(DeviceUnavailableError, match="no CUDA device"):
            select.resolve_backend("gpu")

    @pytest.mark.parametrize("name", ["GPU", "cuda", "", "tpu"])
    def test_unknown_name(self, name):
        with pytest.raises(InputError, match="cpu, gpu, auto"):
            select.resolve_backend(name)

    def test_the_real_check_answers(self):
        why = select.gpu_problem()
        assert why is None or isinstance(why, str) and why
