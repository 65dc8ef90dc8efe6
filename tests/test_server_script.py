"""scripts/neo4j-server finds every server it started: by port, by data dir, or all of them.

Each test runs the script with its own HOME and registry (``ORGNET_NEO4J_REGISTRY``), so the
default data dir and the registry are private to the test and no other server on the machine
(the test suite's own, for one) is ever listed or stopped. Servers get small heaps and free ports.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j-server"

pytestmark = pytest.mark.neo4j


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def built() -> None:
    """Build the server module with the real HOME (Maven's cache) before HOME is swapped out."""
    done = subprocess.run([str(SCRIPT), "build"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def script(built: None, tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """Run the script in a private HOME/registry; whatever the test left running is stopped."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGNET_NEO4J_")}
    env.update(HOME=str(home), ORGNET_NEO4J_REGISTRY=str(tmp_path / "registry"))
    yield tmp_path, env
    subprocess.run([str(SCRIPT), "stop", "--all"], env=env, capture_output=True, timeout=300)


def run(env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], env={**env, **extra}, capture_output=True, text=True, timeout=300
    )


def start(env: dict[str, str], data: Path, port: int, *args: str) -> None:
    done = run(env, "start", "--data", str(data), "--port", str(port), *args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == f"bolt://127.0.0.1:{port}"


def jvm_args(data: Path) -> str:
    pid = (data / "orgnet-neo4j.pid").read_text().strip()
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_stop_and_status_find_servers_started_with_data(script: tuple[Path, dict[str, str]]) -> None:
    tmp, env = script
    a, b = tmp / "a", tmp / "b"
    pa, pb = _free_port(), _free_port()
    start(env, a, pa, "--heap", "600m", "--pagecache", "200m")
    start(env, b, pb, "--heap", "512m", "--pagecache", "128m")
    # heap and page cache are options: they reach the JVM and Neo4j
    assert "-Xmx600m" in jvm_args(a) and "--pagecache 200m" in jvm_args(a)
    assert "-Xmx512m" in jvm_args(b)

    status = run(env, "status")
    assert status.returncode == 0
    assert f"bolt://127.0.0.1:{pa}, data {a}" in status.stdout
    assert f"bolt://127.0.0.1:{pb}, data {b}" in status.stdout
    assert run(env, "status", "--port", str(pb)).stdout.startswith("running: pid ")

    # two running and none named: stop refuses and stops nothing
    ambiguous = run(env, "stop")
    assert ambiguous.returncode == 1 and "--all" in ambiguous.stderr
    assert _port_open(pa) and _port_open(pb)

    # by port, without --data
    assert run(env, "stop", "--port", str(pa)).returncode == 0
    assert not _port_open(pa) and _port_open(pb)
    assert run(env, "status", "--port", str(pa)).returncode == 3

    # the only one left, started with --data, is found by a bare stop
    assert run(env, "stop").returncode == 0
    assert not _port_open(pb)
    gone = run(env, "status")
    assert gone.returncode == 3 and "not running" in gone.stdout
    assert run(env, "stop").returncode == 0  # nothing running: says so, exits 0


def test_stop_all_and_default_sizes(script: tuple[Path, dict[str, str]]) -> None:
    tmp, env = script
    a, b = tmp / "a", tmp / "b"
    pa, pb = _free_port(), _free_port()
    start(env, a, pa)
    start(env, b, pb, "--heap", "512m", "--pagecache", "128m")
    # defaults sized from the machine: 1/16 of its memory, clamped
    mib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024  # type: ignore[union-attr]
    limit = Path("/sys/fs/cgroup/memory.max")
    if limit.exists() and limit.read_text().strip().isdigit():
        mib = min(mib, int(limit.read_text()) // 2**20)
    heap = min(max(mib // 16, 512), 4096)
    cache = min(max(mib // 16, 256), 4096)
    assert f"-Xmx{heap}m" in jvm_args(a) and f"--pagecache {cache}m" in jvm_args(a)

    done = run(env, "stop", "--all")
    assert done.returncode == 0
    assert not _port_open(pa) and not _port_open(pb)
    assert run(env, "status").returncode == 3
