"""fastiesi: indoor seismic intensity from before/after surveillance frames (the IESI method,
Yang et al., J. Imaging 2025, 11(5), 129).

Public API: :func:`assess` (a pre/post pair -> :class:`Assessment`), :func:`rate_intensity`
(Table 3 rules and corrections on hand counts), :class:`Config` (every constant, with sources).
"""

from .config import Config
from .errors import (ConfigError, FastIesiError, InputError, InputTypeError, MissingDependencyError,
                     StageNotAvailableError)
from .pipeline import assess
from .report import Assessment
from .stages.intensity import Rating, rate_intensity

__version__ = "0.1.0"
__all__ = ["assess", "rate_intensity", "Config", "Assessment", "Rating", "FastIesiError", "InputError",
           "InputTypeError", "ConfigError", "MissingDependencyError", "StageNotAvailableError", "__version__"]
