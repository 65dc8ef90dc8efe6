"""Fixtures for tests/: the hand-worked golden network. Backend fixtures are in the root conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def golden_rows() -> dict[str, list[dict[str, Any]]]:
    import copy

    import golden

    return copy.deepcopy(golden.ROWS)
