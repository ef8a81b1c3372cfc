"""Optional dependencies: a clear error naming the extra, logged once per process."""

from __future__ import annotations

import logging

import pytest

from fastiesi._optional import optional_module
from fastiesi.errors import MissingDependencyError


def test_present_module_is_returned():
    assert optional_module("json", extra="x", purpose="y").dumps([]) == "[]"


def test_missing_module_names_the_extra_and_is_logged_once(caplog):
    with caplog.at_level(logging.WARNING, logger="fastiesi"):
        for _ in range(3):
            with pytest.raises(MissingDependencyError, match=r"pip install 'fastiesi\[gpu-x\]'") as e:
                optional_module("fastiesi_no_such_module", extra="gpu-x", purpose="testing")
    assert e.value.exit_code == 2
    assert len([r for r in caplog.records if "fastiesi_no_such_module" in r.getMessage()]) == 1
