"""The command line: every command works, is documented, and fails with one clear line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from orgnet.cli.main import build_parser, main
from orgnet.io import Dataset

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stored(tmp_path: Path, golden_rows: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> str:
    folder = Dataset(golden_rows).write(tmp_path / "data", chinese_headers=True)
    uri = f"file:{tmp_path / 'g.orgnet'}"
    assert main(["load", str(folder), "--to", uri, "--quiet"]) == 0
    assert "loaded 88 rows" in capsys.readouterr().out
    return uri


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"`orgnet {name}" in readme, f"README does not document `orgnet {name}`"


def test_queries_from_a_file_store(stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "coverage", "--uri", stored, "--year", "2023", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "rule,label,checked,gaps,rate"
    assert "grid_party_org,网格党组织,3,2," in lines[1]
    code, out, _ = run(capsys, "coverage", "--uri", stored, "--year", "2023", "--gaps", "registration_report")
    assert (code, out.split()) == (0, ["P4", "U2"])
    code, out, _ = run(capsys, "coverage", "--uri", stored, "--year", "2023", "--by", "district", "--format", "json")
    assert code == 0 and '"area":"D1"' in out.replace(" ", "")
    code, out, _ = run(capsys, "chain", "H1", "--uri", stored)
    assert code == 0 and "broken at: subdistrict" in out and "O-G1" in out
    code, out, _ = run(capsys, "path", "P1", "P4", "--uri", stored)
    assert (code, out.strip()) == (0, "P1 -> C1 -> O-C1 -> P4")
    code, out, _ = run(capsys, "influence", "--uri", stored, "--format", "csv", "--top", "2")
    assert code == 0 and out.splitlines()[1].startswith("U1,Unit,")
    code, out, _ = run(capsys, "influence", "--uri", stored, "--alliances", "--format", "csv")
    assert code == 0 and "AL1,金山党建联盟,3,3,2" in out
    code, out, _ = run(capsys, "kpis", "--uri", stored, "--year", "2023", "--area", "D2", "--format", "csv")
    assert code == 0 and "paired_units,结对单位数,2" in out


def test_export_and_data_option(tmp_path: Path, golden_rows: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    folder = Dataset(golden_rows).write(tmp_path / "data")
    code, out, _ = run(capsys, "export", str(tmp_path / "g.graphml"), "--data", str(folder))
    assert code == 0 and (tmp_path / "g.graphml").exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["coverage"], "no data to query"),
        (["chain", "NOPE", "--data", "{data}"], "no node with id 'NOPE'"),
        (["coverage", "--data", "{data}", "--area", "NOPE"], "no area with id 'NOPE'"),
        (["coverage", "--data", "{data}", "--gaps", "nope"], "unknown rule 'nope'"),
        (["load", "{bad}", "--to", "memory://"], "areas.csv, row 3, field 'level'"),
        (["coverage", "--uri", "ftp://x"], "cannot open"),
        (["chain", "ZJ", "--data", "{data}"], "starts from a Household, Person or Matter"),
    ],
)
def test_errors_are_one_clear_line(argv: list[str], message: str, tmp_path: Path, golden_rows: dict[str, Any],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = Dataset(golden_rows).write(tmp_path / "data")
    golden_rows["areas"][1]["level"] = "planet"
    bad = Dataset(golden_rows).write(tmp_path / "bad")
    code, _, err = run(capsys, *[a.format(data=data, bad=bad) for a in argv])
    assert code == 1
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_path_without_a_route_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = Dataset({"areas": [{"id": "A", "level": "city"}, {"id": "B", "level": "city"}]}).write(tmp_path)
    code, out, _ = run(capsys, "path", "A", "B", "--data", str(folder))
    assert code == 3 and "no path" in out


def test_validate(tmp_path: Path, golden_rows: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    good = Dataset(golden_rows).write(tmp_path / "good")
    assert run(capsys, "validate", str(good))[0] == 0
    golden_rows["roles"][0]["role"] = "队长"
    bad = Dataset(golden_rows).write(tmp_path / "bad")
    code, out, _ = run(capsys, "validate", str(bad))
    assert code == 1 and re.search(r"roles\.csv, row 2, field 'role'", out) and "1 problem(s)" in out


def test_demo_writes_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--scale", "tiny", "--out", str(tmp_path), "--quiet")
    assert code == 0
    for part in ("覆盖缺口", "Top units", "三提三知", "KPIs", "Saved 6 figures, summary.md and summary.xlsx"):
        assert part in out
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "contact_chain.png", "coverage_bars.png", "coverage_heatmap.png", "influence.png", "kpis.png", "trend.png"]


def test_module_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "orgnet", "--help"], capture_output=True, text=True, check=True)
    assert "coverage" in proc.stdout and "demo" in proc.stdout


def test_report(stored: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--uri", stored, "--out", str(tmp_path / "r"), "--year", "2023")
    assert code == 0 and "wrote 6 figures" in out
    summary = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert "| grid_party_org | 网格党组织 | 3 | 2 | 33% (1 / 3) |" in summary
    assert "![kpis](kpis.png)" in summary and (tmp_path / "r" / "kpis.png").stat().st_size > 10_000


def test_load_into_neo4j_with_credentials_from_the_environment(
        neo4j_store: Any, neo4j_server: tuple[str, tuple[str, str]], tmp_path: Path, golden_rows: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    uri, (user, password) = neo4j_server
    monkeypatch.setenv("NEO4J_USERNAME", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    folder = Dataset(golden_rows).write(tmp_path / "data", chinese_headers=True, chinese_values=True)
    code, out, _ = run(capsys, "load", str(folder), "--to", uri, "--quiet")
    assert code == 0 and "loaded 88 rows" in out and password not in out
    code, out, _ = run(capsys, "coverage", "--uri", uri, "--year", "2023", "--gaps", "community_site")
    assert (code, out.split()) == (0, ["C2", "C3"])
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong-" + password)
    code, _, err = run(capsys, "kpis", "--uri", uri)
    assert code == 1 and err.startswith("error: ") and "wrong-" not in err and "Traceback" not in err
