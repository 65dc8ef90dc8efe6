"""The README's quickstart runs as written (on the embedded store)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Quickstart"):]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md quickstart", "exec"), namespace)  # noqa: S102 - our own README
    assert (tmp_path / "city.graphml").stat().st_size > 1_000_000
    chain = namespace["chain"]
    assert chain.household_id == "H-RZ-JS-C01-G01-01-001"  # type: ignore[attr-defined]
    plt.close("all")
