"""rclone (Debian's 1.60, b2 backend, native API /b2api/v1/) against `b2kit serve`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from b2sdk.v2 import B2Api, InMemoryAccountInfo

from helpers import TRICKY_NAME, assert_same_tree, bucket_name, make_tree, sha1_hex

RCLONE = shutil.which("rclone")

@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


class Rclone:
    def __init__(self, emu, home: Path):
        home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RCLONE_")}
        env.update(
            HOME=str(home),
            RCLONE_CONFIG=str(home / "rclone.conf"),  # empty: everything comes from the env
            RCLONE_CONFIG_EMU_TYPE="b2",
            RCLONE_CONFIG_EMU_ACCOUNT=emu.key_id,
            RCLONE_CONFIG_EMU_KEY=emu.key,
            RCLONE_CONFIG_EMU_ENDPOINT=emu.url,
        )
        (home / "rclone.conf").write_text("")
        self.env = env

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        cmd = [
            RCLONE, *args,
            # Multipart above 5 MiB, in 5 MiB chunks (B2's minimum part size is 5 MB).
            "--b2-upload-cutoff", "5M", "--b2-chunk-size", "5M",
            # Surface server errors instead of retrying them away.
            "--retries", "1", "--low-level-retries", "2",
            "--contimeout", "10s", "--timeout", "60s",
        ]
        proc = subprocess.run(cmd, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
        proc.stdout_text = proc.stdout.decode("utf-8", errors="replace")
        proc.stderr_text = proc.stderr.decode("utf-8", errors="replace")
        if check and proc.returncode != 0:
            raise AssertionError(
                f"`rclone {' '.join(args)}` exited {proc.returncode}\n"
                f"--- stdout ---\n{proc.stdout_text}\n--- stderr ---\n{proc.stderr_text}"
            )
        return proc


@pytest.fixture(scope="module")
def rclone(emu, tmp_path_factory) -> Rclone:
    assert RCLONE, "rclone not installed: run scripts/install-peers"
    return Rclone(emu, tmp_path_factory.mktemp("rclone-home"))


def test_rclone_present():
    assert RCLONE, "rclone not installed: run scripts/install-peers"
    out = subprocess.run([RCLONE, "version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("rclone v")


def test_mkdir_copy_check_sync(emu, rclone, tmp_path):
    bucket = bucket_name("rclone")
    rclone.run("mkdir", f"emu:{bucket}")
    buckets = rclone.run("lsf", "emu:").stdout_text.splitlines()
    assert f"{bucket}/" in buckets, buckets

    src = tmp_path / "src"
    files = make_tree(src)
    rclone.run("copy", str(src), f"emu:{bucket}/tree")

    listed = rclone.run("lsf", "-R", "--files-only", f"emu:{bucket}/tree").stdout_text.splitlines()
    assert sorted(listed) == sorted(files), listed
    assert TRICKY_NAME in listed
    dirs = rclone.run("lsf", "-R", "--dirs-only", f"emu:{bucket}/tree").stdout_text.splitlines()
    assert {"dir/", "dir/sub/", "big/", "ünïcödé/", "plus+sign/"} <= set(dirs), dirs

    # Sizes as B2 reports them (v1 listings must carry `size`).
    sizes = {}
    for line in rclone.run("lsf", "-R", "--files-only", "--format", "sp", "--separator", "\t",
                           f"emu:{bucket}/tree").stdout_text.splitlines():
        size, path = line.split("\t", 1)
        sizes[path] = int(size)
    assert sizes == {k: len(v) for k, v in files.items()}

    # SHA-1s as B2 reports them: contentSha1 for small files, large_file_sha1 for the large one.
    hashes = {}
    for line in rclone.run("hashsum", "sha1", f"emu:{bucket}/tree").stdout_text.splitlines():
        h, path = line.split("  ", 1)
        hashes[path] = h
    assert hashes == {k: sha1_hex(v) for k, v in files.items()}, hashes

    # The large file really went up as a multipart (large) file.
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(emu.url, emu.key_id, emu.key)
    big = api.get_bucket_by_name(bucket).get_file_info_by_name("tree/big/large.bin")
    assert big.content_sha1 in (None, "none"), big
    assert big.file_info.get("large_file_sha1") == sha1_hex(files["big/large.bin"])

    # rclone check compares sizes and SHA-1s of every file.
    res = rclone.run("check", str(src), f"emu:{bucket}/tree")
    text = res.stderr_text + res.stdout_text
    assert re.search(r"\b0 differences found", text), text
    assert re.search(rf"\b{len(files)} matching files", text), text
    assert "hashes could not be checked" not in text, text
    assert "no hashes in common" not in text, text

    # It really compares hashes: same size, different content -> a difference.
    changed = tmp_path / "changed"
    shutil.copytree(src, changed)
    p = changed / TRICKY_NAME
    data = bytearray(p.read_bytes())
    data[0] ^= 0xFF
    p.write_bytes(bytes(data))
    res = rclone.run("check", str(changed), f"emu:{bucket}/tree", check=False)
    text = res.stderr_text + res.stdout_text
    assert res.returncode != 0, text
    assert re.search(r"\b1 differences found", text), text

    # Sync back down into a new folder: byte-identical tree.
    dst = tmp_path / "dst"
    rclone.run("sync", f"emu:{bucket}/tree", str(dst))
    assert_same_tree(files, dst)

    # Sync up after a change and a delete, then down again.
    (src / "hello.txt").write_bytes(b"changed by rclone test\n")
    (src / "space name.txt").unlink()
    files["hello.txt"] = b"changed by rclone test\n"
    del files["space name.txt"]
    rclone.run("sync", str(src), f"emu:{bucket}/tree")
    res = rclone.run("check", str(src), f"emu:{bucket}/tree")
    assert re.search(r"\b0 differences found", res.stderr_text + res.stdout_text)
    rclone.run("sync", f"emu:{bucket}/tree", str(dst))
    assert_same_tree(files, dst)


def test_cat_delete_purge(rclone, tmp_path):
    bucket = bucket_name("rclone-rm")
    rclone.run("mkdir", f"emu:{bucket}")
    f = tmp_path / "one ü+%.txt"
    f.write_bytes(b"one file\n")
    rclone.run("copyto", str(f), f"emu:{bucket}/x/one ü+%.txt")
    assert rclone.run("cat", f"emu:{bucket}/x/one ü+%.txt").stdout == b"one file\n"
    rclone.run("deletefile", f"emu:{bucket}/x/one ü+%.txt")
    assert rclone.run("lsf", "-R", f"emu:{bucket}").stdout_text.strip() == ""
    rclone.run("copyto", str(f), f"emu:{bucket}/y/two.txt")
    rclone.run("purge", f"emu:{bucket}")
    assert f"{bucket}/" not in rclone.run("lsf", "emu:").stdout_text.splitlines()
