"""The decision commands (trend, what-if, critical, recommend, work lists, redacted export, report)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from decision_network import ROWS

from orgnet.cli.main import main
from orgnet.io import Dataset


@pytest.fixture
def data(tmp_path: Path) -> str:
    return str(Dataset(ROWS).write(tmp_path / "data", chinese_headers=True))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_trend_what_if_critical(data: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "trend", "--data", data, "--format", "csv", "--plot", str(tmp_path / "t.png"))
    frame = pd.read_csv(__import__("io").StringIO(out))
    assert code == 0 and list(frame["year"]) == [2021, 2022, 2023]
    assert list(frame["mean_handling_days"].round(2))[1:] == [9.1, 4.0]
    assert (tmp_path / "t.png").stat().st_size > 10_000
    code, out = run(capsys, "what-if", "O1", "--data", data, "--year", "2023")
    assert code == 0 and "newly uncovered, community_pairing: C2" in out and "org_chain: O2" in out
    code, out = run(capsys, "critical", "--data", data, "--year", "2023", "--format", "csv")
    assert (code, out.splitlines()) == (0, ["id,sole,sole_communities", "U2,2,C3 C4", "O1,1,C2"])


def test_recommend_writes_a_plan(data: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "recommend", "--data", data, "--year", "2023", "--capacity", "1",
                    "--xlsx", str(tmp_path / "plan.xlsx"))
    assert code == 0 and "2 new pairings, 0 communities left uncovered, total cost 0" in out
    sheet = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="结对建议")
    assert sorted(sheet["community"]) == ["C1", "C5"] and "银山门社区" in set(sheet["community_name"])


def test_worklist_one_sheet_per_subdistrict(data: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "coverage", "--data", data, "--year", "2023", "--gaps", "--xlsx",
                    str(tmp_path / "w.xlsx"))
    assert code == 0
    book = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert book.sheetnames == ["区级及以上工作清单", "正东路街道工作清单", "金山街道工作清单"]
    rows = list(book["正东路街道工作清单"].values)
    assert rows[0][:4] == ("规则", "缺口", "编号", "名称")
    assert ("community_pairing", "社区结对", "C5", "C5社区") in [r[:4] for r in rows[1:]]
    code, out = run(capsys, "coverage", "--data", data, "--year", "2023", "--gaps", "--format", "csv")
    assert code == 0 and "community_pairing,C1,银山门社区,Area,,银山门社区,金山街道,润州区" in out


def test_redacted_export_and_report(data: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(capsys, "export", str(tmp_path / "share.jsonl"), "--data", data, "--redact")
    text = (tmp_path / "share.jsonl").read_text(encoding="utf-8")
    assert code == 0 and "张三" not in text and "13800000001" not in text and "P1" in text
    code, out = run(capsys, "report", "--data", data, "--out", str(tmp_path / "r"), "--year", "2023",
                    "--area", "D1")
    summary = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert code == 0 and summary.startswith("# orgnet report — 润州区, 2023")
    assert "| community_pairing | 社区结对 | 2 | 1 | 50% (1 / 2) |" in summary
    assert "## 趋势 Trend" in summary and "银山门社区" in summary
    book = openpyxl.load_workbook(tmp_path / "r" / "summary.xlsx")
    assert {"覆盖缺口", "指标", "趋势", "缺口清单"} <= set(book.sheetnames)


def test_report_names_the_city_when_several_districts_are_loaded(
        data: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(capsys, "report", "--data", data, "--out", str(tmp_path / "r"), "--year", "2023")
    summary = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert code == 0 and summary.startswith("# orgnet report — 镇江市, 2023")
    assert "| pairing_coverage_rate | 结对共建覆盖率 | 60% (3 / 5) |" in summary
