"""The project's error types.

Every error a user can cause derives from :class:`FastIesiError` and carries the exit code the CLI
returns for it, so one ``except FastIesiError`` at the top of the CLI maps any failure to a clear
message and the right code, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_REJECTED = 3
EXIT_STAGE_MISSING = 4


class FastIesiError(Exception):
    """Base of every error fastiesi raises on purpose."""

    exit_code: int = EXIT_INTERNAL


class InputError(FastIesiError, ValueError):
    """An input (image, video, argument) the engine cannot use; names the file and the problem."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problem: str, *, path: str | Path | None = None) -> None:
        self.path = None if path is None else str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


class InputTypeError(FastIesiError, TypeError):
    """An argument of the wrong type (e.g. a list where an image array is expected)."""

    exit_code = EXIT_BAD_INPUT


class ConfigError(FastIesiError, ValueError):
    """A configuration file or override that does not fit the config tree."""

    exit_code = EXIT_BAD_INPUT


class MissingDependencyError(FastIesiError, ImportError):
    """An optional package (CuPy, TensorRT, ONNX Runtime...) is needed but not installed."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, package: str, *, extra: str, purpose: str) -> None:
        self.package = package
        super().__init__(
            f"{purpose} needs the optional package {package!r}; "
            f"install it with: pip install 'fastiesi[{extra}]'",
            name=package,
        )


class DeviceUnavailableError(FastIesiError, RuntimeError):
    """The GPU backend was asked for, CuPy is installed, but no CUDA device is usable."""

    exit_code = EXIT_BAD_INPUT


class StageNotAvailableError(FastIesiError, NotImplementedError):
    """A stage of the paper's pipeline this build does not implement yet.

    Raised instead of inventing a result; the CLI exits with :data:`EXIT_STAGE_MISSING`.
    """

    exit_code = EXIT_STAGE_MISSING

    def __init__(self, stage: str, section: str) -> None:
        self.stage = stage
        self.section = section
        super().__init__(
            f"stage {stage!r} (paper section {section}) is not implemented in this build; "
            "no intensity is reported rather than an invented one"
        )
