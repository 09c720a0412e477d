"""The newcomer's path through the CLI on the embedded emulator (`--profile local`): `b2kit demo`, then
`b2kit table` on what it synced, and output piped into a reader that stops early (`| head`), which
must end quietly rather than crash.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from test_b2kit_cli import CRASH_MARKERS, scrubbed_environment
from conftest import emulator_binary


def run(cwd: Path, *args: str, stdin_pipe_head: bool = False) -> subprocess.CompletedProcess:
    env = scrubbed_environment(cwd)
    env["B2KIT_LOCAL_DATA"] = str(cwd / "data")
    return subprocess.run([str(emulator_binary()), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180)


def test_demo_then_tables(tmp_path: Path) -> None:
    first = run(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "copied 5 (" in first.stdout and "5 objects in" in first.stdout
    second = run(tmp_path, "demo")
    assert second.returncode == 0, second.stderr
    assert "0 uploaded" in second.stdout and "5 unchanged" in second.stdout

    shown = run(tmp_path, "table", "show", "b2kit-demo/sales/2024/q1.csv", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = [json.loads(line) for line in shown.stdout.splitlines()]
    assert rows[0] == {"region": "north", "month": "2024-01", "units": 120.0, "revenue": 3480.5}
    assert rows[3]["units"] is None

    remote = run(tmp_path, "--profile", "local", "table", "show", "b2://b2kit-demo/events/2024/clickstream.csv",
                 "--head", "2", "--columns", "page,user")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout.splitlines()[0].split() == ["page", "user"]
    assert len(remote.stdout.splitlines()) == 3

    converted = run(tmp_path, "table", "convert", "b2kit-demo/customers/events.json", "events.csv",
                    "--records-path", "data")
    assert converted.returncode == 0, converted.stderr
    assert (tmp_path / "events.csv").read_text().splitlines()[0] == "customer,event,at"

    bad = run(tmp_path, "table", "show", "b2kit-demo/README.txt")
    assert bad.returncode == 2 and ".csv, .json" in bad.stderr


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    assert run(tmp_path, "demo").returncode == 0
    env = scrubbed_environment(tmp_path)
    env["B2KIT_LOCAL_DATA"] = str(tmp_path / "data")
    for args in (["--profile", "local", "ls", "-r", "b2://b2kit-demo"],
                 ["--profile", "local", "cat", "b2://b2kit-demo/events/2024/clickstream.csv"],
                 ["table", "show", "b2kit-demo/events/2024/clickstream.csv", "--head", "5000"]):
        producer = subprocess.Popen([str(emulator_binary()), *args], cwd=tmp_path, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert producer.stdout is not None
        producer.stdout.readline()
        producer.stdout.close()
        _, err = producer.communicate(timeout=120)
        text = err.decode(errors="replace")
        assert producer.returncode == 0, (args, text)
        assert not any(marker in text for marker in CRASH_MARKERS), (args, text)
