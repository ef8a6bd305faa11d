"""The project's settings with the baseline view's URL added (`bench/baseline.py`)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline"
