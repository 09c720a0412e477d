"""Small helpers shared by the interop tests."""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import shutil
import sys
from pathlib import Path

# A name that needs percent-encoding everywhere: spaces, '+', '%', non-ASCII.
TRICKY_NAME = "dir/héllo wörld+plus%20.txt"

LARGE_SIZE = 12 * 1024 * 1024 + 12345  # ~12.6 MB: 3 parts at a 5 MB part size


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def payload(size: int, seed: int) -> bytes:
    """Deterministic pseudo-random bytes (incompressible, reproducible)."""
    return random.Random(seed).randbytes(size)


def bucket_name(prefix: str) -> str:
    """A unique, valid B2 bucket name (6-63 chars of [a-z0-9-], not starting with b2-)."""
    return f"{prefix}-{secrets.token_hex(6)}"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_tree(root: Path, large_size: int = LARGE_SIZE) -> dict[str, bytes]:
    """Create a local tree with awkward names and one large file; return {relpath: bytes}."""
    files = {
        "hello.txt": b"hello, b2kit\n",
        "empty.txt": b"",
        "space name.txt": b"a file whose name has a space\n",
        TRICKY_NAME: "tricky name content é\n".encode(),
        "dir/sub/nested file.bin": payload(70_000, 1),
        "ünïcödé/日本語 ファイル.txt": "こんにちは\n".encode(),
        "plus+sign/a+b=c.txt": b"plus sign\n",
        "big/large.bin": payload(large_size, 2),
    }
    for rel, data in files.items():
        write(root / rel, data)
    return files


def read_tree(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for fn in filenames:
            p = Path(dirpath) / fn
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def assert_same_tree(expected: dict[str, bytes], actual_root: Path) -> None:
    actual = read_tree(actual_root)
    assert sorted(actual) == sorted(expected), (
        f"file sets differ under {actual_root}:\n"
        f"  missing: {sorted(set(expected) - set(actual))}\n"
        f"  extra:   {sorted(set(actual) - set(expected))}"
    )
    for rel, data in expected.items():
        got = actual[rel]
        assert len(got) == len(data), f"{rel}: size {len(got)} != {len(data)}"
        assert sha1_hex(got) == sha1_hex(data), f"{rel}: content differs"


def find_executable(name: str) -> str:
    """Find a console script next to this interpreter (pyenv/venv) or on PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name!r} not found: run scripts/install-peers")
    return found


def advance_clock(url: str, key_id: str, key: str, seconds: int) -> dict:
    """Moves `b2kit serve`'s clock forward with the master key; answers what its lifecycle sweep did."""
    import base64
    import json
    import urllib.request

    basic = base64.b64encode(f"{key_id}:{key}".encode()).decode()
    request = urllib.request.Request(
        f"{url}/b2api/v4/b2_authorize_account", headers={"Authorization": f"Basic {basic}"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        token = json.load(reply)["authorizationToken"]
    request = urllib.request.Request(
        f"{url}/emulator/v1/advance_clock",
        data=json.dumps({"seconds": seconds}).encode(),
        headers={"Authorization": token, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.load(reply)
