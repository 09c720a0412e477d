"""Shared fixtures for the interop tests: run `b2kit serve` and point official clients at it.

The emulator binary defaults to `.build/debug/b2kit` at the repository root; set B2KIT_BIN to
use another build (e.g. a release build). Each emulator gets a fresh temporary data folder,
port 0 (the kernel picks a free port) and pinned master credentials.
"""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "b2kit"

# Small enough that a ~12 MB file goes up in several parts through the CLI/b2sdk large-file
# path, and equal to B2's absolute minimum part size.
RECOMMENDED_PART_SIZE = 5_000_000

STARTUP_TIMEOUT = float(os.environ.get("B2KIT_STARTUP_TIMEOUT", "30"))
SHUTDOWN_TIMEOUT = 20.0
LISTEN_RE = re.compile(r"^b2kit serve: listening on (https?://\S+?)/?\s*$")


def emulator_binary() -> Path:
    path = Path(os.environ.get("B2KIT_BIN", str(DEFAULT_BIN)))
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


@dataclasses.dataclass
class Emulator:
    """A running `b2kit serve` process."""

    url: str  # the realm / API base, e.g. http://127.0.0.1:41234
    key_id: str  # master application key id
    key: str  # master application key
    data_dir: Path
    proc: subprocess.Popen
    stderr_path: Path
    stdout_lines: list[str]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def diagnostics(self, limit: int = 8000) -> str:
        err = self.stderr_text()
        if len(err) > limit:
            err = "...\n" + err[-limit:]
        out = "".join(self.stdout_lines)
        if len(out) > limit:
            out = "...\n" + out[-limit:]
        return f"--- b2kit serve stdout ---\n{out}\n--- b2kit serve stderr ---\n{err}"

    def assert_alive(self) -> None:
        code = self.proc.poll()
        assert code is None, f"b2kit serve exited early with code {code}\n{self.diagnostics()}"

    def stop(self) -> int:
        """SIGTERM the server and return its exit code (SIGKILL after a timeout)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(
                    f"b2kit serve did not exit within {SHUTDOWN_TIMEOUT}s of SIGTERM\n"
                    f"{self.diagnostics()}"
                )
        return self.proc.returncode


def start_emulator(
    data_dir: Path, *extra_args: str, key_id: str | None = None, key: str | None = None
) -> Emulator:
    """Start `b2kit serve` on DATA_DIR and wait until it prints its URL.

    Pass key_id/key to restart on an existing data folder with the same master key.
    """
    binary = emulator_binary()
    if not binary.exists():
        pytest.fail(
            f"emulator binary {binary} does not exist: run `swift build` first "
            f"(or set B2KIT_BIN)",
            pytrace=False,
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    key_id = key_id or "000" + secrets.token_hex(6) + "0000000001"
    key = key or "K000" + secrets.token_urlsafe(24).replace("-", "x").replace("_", "y")
    stderr_path = data_dir.parent / (data_dir.name + ".stderr.log")
    args = [
        str(binary),
        "serve",
        "--data", str(data_dir),
        "--host", "127.0.0.1",
        "--port", "0",
        "--master-key-id", key_id,
        "--master-key", key,
        "--recommended-part-size", str(RECOMMENDED_PART_SIZE),
        *([] if os.environ.get("B2KIT_QUIET") else ["--verbose"]),
        *extra_args,
    ]
    stderr_file = open(stderr_path, "ab")
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr_file,
        cwd=str(data_dir.parent),
    )
    stderr_file.close()

    lines: list[str] = []
    first_line: list[str] = []
    got_first = threading.Event()

    def pump() -> None:
        # Keep draining stdout for the server's whole life so a chatty server never blocks.
        assert proc.stdout is not None
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace")
            lines.append(line)
            if not first_line:
                first_line.append(line)
                got_first.set()
        got_first.set()

    threading.Thread(target=pump, name="b2kit-serve-stdout", daemon=True).start()

    emu = Emulator(
        url="",
        key_id=key_id,
        key=key,
        data_dir=data_dir,
        proc=proc,
        stderr_path=stderr_path,
        stdout_lines=lines,
    )

    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not got_first.wait(timeout=0.1):
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(
                f"b2kit serve printed nothing within {STARTUP_TIMEOUT}s\n"
                f"command: {' '.join(args)}\n{emu.diagnostics()}",
                pytrace=False,
            )
    if not first_line:
        proc.wait(timeout=5)
        pytest.fail(
            f"b2kit serve exited with code {proc.returncode} before printing its URL\n"
            f"command: {' '.join(args)}\n{emu.diagnostics()}",
            pytrace=False,
        )
    m = LISTEN_RE.match(first_line[0].strip())
    if not m:
        proc.kill()
        proc.wait()
        pytest.fail(
            f"unexpected first line from b2kit serve: {first_line[0]!r}\n"
            f"(expected 'b2kit serve: listening on http://127.0.0.1:PORT')\n{emu.diagnostics()}",
            pytrace=False,
        )
    emu.url = m.group(1)
    emu.assert_alive()
    return emu


def stop_and_check(emu: Emulator) -> None:
    was_running = emu.proc.poll() is None
    code = emu.stop()
    assert was_running, (
        f"b2kit serve had already exited (code {code}) before the tests finished\n"
        f"{emu.diagnostics()}"
    )
    assert code == 0, (
        f"b2kit serve exited with code {code} after SIGTERM (expected 0)\n{emu.diagnostics()}"
    )


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Emulator:
    """One emulator shared by the whole session."""
    emu = start_emulator(tmp_path_factory.mktemp("emulator-session") / "data")
    yield emu
    stop_and_check(emu)


@pytest.fixture(scope="module")
def fresh_emulator(tmp_path_factory, request) -> Emulator:
    """A new emulator (empty data folder) for the requesting test module."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", request.module.__name__)
    emu = start_emulator(tmp_path_factory.mktemp(f"emulator-{name}") / "data")
    yield emu
    stop_and_check(emu)


@pytest.fixture(scope="module")
def emulator_factory(tmp_path_factory):
    """Start extra emulators with custom flags: `emulator_factory("--token-ttl", "5")`."""
    started: list[Emulator] = []

    def make(*extra_args: str) -> Emulator:
        emu = start_emulator(tmp_path_factory.mktemp("emulator-custom") / "data", *extra_args)
        started.append(emu)
        return emu

    yield make
    errors = []
    for emu in started:
        try:
            stop_and_check(emu)
        except AssertionError as e:  # stop all of them before failing
            errors.append(str(e))
    assert not errors, "\n".join(errors)
