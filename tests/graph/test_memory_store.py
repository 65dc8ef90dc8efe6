"""The embedded store: file persistence, atomic saves, several stores at once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import orgnet
from orgnet.errors import StoreError, UnsupportedURI
from orgnet.graph.memory import MemoryStore
from orgnet.io import Dataset
from orgnet.io.export import to_networkx


def dump(store: Any) -> tuple[list[Any], list[Any]]:
    g = to_networkx(store)
    return sorted(g.nodes(data=True)), sorted(g.edges(keys=True, data=True))


def test_file_store_reopens_to_the_identical_graph(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "city.orgnet"
    with orgnet.connect(f"file:{path}") as net:
        net.load(Dataset(golden_rows))
        before = dump(net.store)
        counts = net.counts()
    assert path.exists()
    with orgnet.connect(f"file:{path}") as again:
        assert dump(again.store) == before
        assert again.counts() == counts
        # types survive the round trip
        p1 = next(r for r in again.store.iter_nodes("Person") if r["id"] == "P1")
        assert p1["is_member"] is True
        reg = next(link for link in again.store.iter_links("REGISTERED_WITH"))
        assert isinstance(reg.props["year"], int)


def test_queries_equal_after_reopen(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "c.orgnet"
    net = orgnet.connect(f"file:{path}")
    net.load(Dataset(golden_rows))
    expected = (net.coverage(2023), net.kpis(2023), net.influence(), net.contact_chain("H1"))
    again = orgnet.connect(f"file:{path}")
    assert (again.coverage(2023), again.kpis(2023), again.influence(), again.contact_chain("H1")) == expected


def test_a_crash_while_saving_leaves_the_old_file(tmp_path: Path, golden_rows: dict[str, Any],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.orgnet"
    net = orgnet.connect(f"file:{path}")
    net.load(Dataset({"areas": golden_rows["areas"]}))
    saved = path.read_bytes()

    def crash(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        net.load(Dataset({"units": golden_rows["units"]}))
    monkeypatch.undo()
    assert path.read_bytes() == saved
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".c.orgnet.lock")  # the (empty) lock file stays
    assert left == ["c.orgnet"], "the temporary file must be removed"
    assert "Unit" not in MemoryStore(path).counts()
    assert "Unit" not in net.counts(), "a failed save leaves memory equal to the file, not ahead of it"


def test_not_a_store_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.orgnet"
    bad.write_text("hello")
    with pytest.raises(StoreError, match="not an orgnet store file"):
        orgnet.connect(f"file:{bad}")


def test_clear_and_delete(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "c.orgnet"
    net = orgnet.connect(f"file:{path}")
    net.load(Dataset(golden_rows))
    assert net.delete(["H3", "NOPE"]) == 1
    assert "H3" not in {r["id"] for r in net.store.iter_nodes("Household")}
    assert not [e for e in to_networkx(net.store).edges if "H3" in e]
    net.clear()
    assert net.counts() == {}
    assert orgnet.connect(f"file:{path}").counts() == {}


def test_several_stores_are_independent(golden_rows: dict[str, Any]) -> None:
    a, b = orgnet.connect("memory://"), orgnet.connect("memory://")
    a.load(Dataset(golden_rows))
    assert b.counts() == {} and a.counts()["Area"] == 12


def test_unsupported_uri_hides_credentials() -> None:
    with pytest.raises(UnsupportedURI) as info:
        orgnet.connect("http://user:s3cret@example.org")
    assert "s3cret" not in str(info.value) and "neo4j://" in str(info.value)


def test_connect_defaults_to_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert orgnet.connect().store.uri == "memory://"


def test_relationships_to_missing_nodes_are_skipped_like_neo4j(store: Any) -> None:
    from orgnet.graph.base import ChangeSet, FieldRelBatch, LinkRow

    store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]},
                          field_rels=[FieldRelBatch("PART_OF", False, ["ZJ"], [("ZJ", "NOPE")])],
                          links={"CONTACTS": [LinkRow("NOPE", "ZJ", {})]}))
    assert store.counts() == {"Area": 1}


# ------------------------------------------------------------------ the file: store (issue 9 point 5)


def test_two_networks_on_one_file_keep_each_others_data(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "shared.orgnet"
    first, second = orgnet.connect(f"file:{path}"), orgnet.connect(f"file:{path}")
    first.load(Dataset({"areas": golden_rows["areas"]}))
    second.load(Dataset({"units": golden_rows["units"]}))  # second never read the areas itself
    again = orgnet.connect(f"file:{path}")
    assert again.counts()["Area"] == len(golden_rows["areas"])
    assert again.counts()["Unit"] == len(golden_rows["units"])
    assert first.counts() == again.counts(), "a reader picks up the other writer's file"


@pytest.mark.parametrize("content", [b"hello", b"ORGNETS2" + b"\xff" * 40, b"PK\x03\x04garbage", b""])
def test_corrupt_or_foreign_file_is_a_store_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "x.orgnet"
    bad.write_bytes(content)
    with pytest.raises(StoreError):
        orgnet.connect(f"file:{bad}")


def test_truncated_store_file_is_a_store_error(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "t.orgnet"
    orgnet.connect(f"file:{path}").load(Dataset(golden_rows))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="not an orgnet store file"):
        orgnet.connect(f"file:{path}")


def test_symlink_and_permissions_are_kept(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    real = tmp_path / "data" / "real.orgnet"
    real.parent.mkdir()
    orgnet.connect(f"file:{real}").load(Dataset({"areas": golden_rows["areas"]}))
    os.chmod(real, 0o640)
    link = tmp_path / "link.orgnet"
    link.symlink_to(real)
    orgnet.connect(f"file:{link}").load(Dataset({"units": golden_rows["units"]}))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert oct(real.stat().st_mode & 0o777) == oct(0o640)
    assert orgnet.connect(f"file:{real}").counts()["Unit"] == len(golden_rows["units"])


def test_no_temporary_file_survives_a_killed_writer(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    import subprocess
    import sys

    path = tmp_path / "k.orgnet"
    orgnet.connect(f"file:{path}").load(Dataset({"areas": golden_rows["areas"]}))
    code = (
        "import os, sys, orgnet\n"
        "from orgnet.io import Dataset\n"
        "os.replace = lambda a, b: os._exit(9)  # dies between writing the temp file and renaming it\n"
        f"orgnet.connect('file:{path}').load(Dataset({{'units': {golden_rows['units']!r}}}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 9
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), "the crash left its temporary file"
    net = orgnet.connect(f"file:{path}")  # the next opener removes it
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert "Unit" not in net.counts()


def test_a_missing_file_is_not_found_for_questions(tmp_path: Path) -> None:
    from orgnet.errors import NotFound

    net = orgnet.connect(f"file:{tmp_path / 'typo.orgnet'}")
    with pytest.raises(NotFound, match="no orgnet store file"):
        net.coverage(2023)
    assert not (tmp_path / "typo.orgnet").exists(), "reading does not create the file"
    created = orgnet.connect(f"file:{tmp_path / 'new.orgnet'}", create=True)
    assert (tmp_path / "new.orgnet").exists()
    with pytest.warns(orgnet.errors.EmptyStoreWarning):
        report = created.coverage(2023)
    assert all(r.rate is None and r.checked == 0 for r in report.rules.values())


def test_cli_on_a_file_store_never_aborts_at_exit(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    """pyarrow's exit-time thread bug aborted ~1 run in 40 (exit 134) after correct output."""
    import subprocess
    import sys

    path = tmp_path / "cli.orgnet"
    orgnet.connect(f"file:{path}").load(Dataset(golden_rows))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    codes = []
    for _ in range(40):
        proc = subprocess.run([sys.executable, "-m", "orgnet", "coverage", "--uri", f"file:{path}", "--year", "2023"],
                              capture_output=True, text=True, env=env)
        codes.append(proc.returncode)
    assert codes == [0] * 40, proc.stderr[-2000:]
