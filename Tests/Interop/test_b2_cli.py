"""The official Backblaze `b2` CLI (5.x, b2sdk.v3, native API /b2api/v4/) against `b2kit serve`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import (
    LARGE_SIZE,
    TRICKY_NAME,
    assert_same_tree,
    bucket_name,
    find_executable,
    make_tree,
    payload,
    sha1_hex,
    write,
)

B2 = find_executable("b2")


class B2Cli:
    """Runs the `b2` executable with its own credential cache, pointed at the emulator."""

    def __init__(self, url: str, home: Path):
        home.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.account_info = home / "account_info.sqlite"
        env = {k: v for k, v in os.environ.items() if not k.startswith("B2_")}
        env.update(
            B2_ENVIRONMENT=url,
            B2_ACCOUNT_INFO=str(self.account_info),
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            B2_ESCAPE_CONTROL_CHARACTERS="0",
            PYTHONIOENCODING="utf-8",
            PYTHONUTF8="1",
        )
        self.env = env

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        cmd = [B2, *args]
        proc = subprocess.run(
            cmd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
        )
        proc.stdout_text = proc.stdout.decode("utf-8", errors="replace")
        proc.stderr_text = proc.stderr.decode("utf-8", errors="replace")
        if check and proc.returncode != 0:
            raise AssertionError(
                f"`b2 {' '.join(args)}` exited {proc.returncode}\n"
                f"--- stdout ---\n{proc.stdout_text}\n--- stderr ---\n{proc.stderr_text}"
            )
        return proc

    def fail(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run a command that must fail; return the result."""
        proc = self.run(*args, check=False, timeout=timeout)
        assert proc.returncode != 0, (
            f"`b2 {' '.join(args)}` succeeded but should have failed\n"
            f"--- stdout ---\n{proc.stdout_text}\n--- stderr ---\n{proc.stderr_text}"
        )
        return proc

    def lines(self, *args: str) -> list[str]:
        return [l for l in self.run(*args).stdout_text.splitlines() if l.strip()]

    def json(self, *args: str):
        return json.loads(self.run(*args).stdout_text)

    def upload(self, bucket: str, local: Path, name: str, *extra: str) -> dict:
        out = self.run("file", "upload", "--no-progress", *extra, bucket, str(local), name).stdout_text
        return json.loads(out[out.index("\n{") + 1 :] if not out.startswith("{") else out)

    def file_info(self, bucket: str, name: str) -> dict:
        return self.json("file", "info", f"b2://{bucket}/{name}")


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


@pytest.fixture(scope="module")
def cli(emu, tmp_path_factory) -> B2Cli:
    c = B2Cli(emu.url, tmp_path_factory.mktemp("b2cli-master"))
    c.run("account", "authorize", emu.key_id, emu.key)
    return c


@pytest.fixture
def bucket(cli) -> str:
    name = bucket_name("cli")
    out = cli.run("bucket", "create", name, "allPrivate").stdout_text.strip()
    assert out, "bucket create printed no bucket id"
    return name


# ---------------------------------------------------------------------------------------------


def test_authorize(emu, tmp_path):
    c = B2Cli(emu.url, tmp_path / "home")
    res = c.run("account", "authorize", emu.key_id, emu.key)
    assert res.returncode == 0
    assert c.account_info.exists(), "authorize did not write the credential cache"
    info = c.json("account", "get")
    assert info["applicationKeyId"] == emu.key_id
    assert info["apiUrl"].rstrip("/") == emu.url, info
    assert info["downloadUrl"].rstrip("/") == emu.url, info
    # The master key can do everything b2sdk knows about.
    caps = set(info["allowed"]["capabilities"])
    for cap in ("listBuckets", "writeBuckets", "deleteBuckets", "listFiles", "readFiles",
                "writeFiles", "deleteFiles", "writeKeys", "listKeys"):
        assert cap in caps, f"master key lacks {cap}: {sorted(caps)}"
    assert info["allowed"]["namePrefix"] is None
    assert info["allowed"]["buckets"] is None


def test_authorize_wrong_key_is_refused(emu, tmp_path):
    c = B2Cli(emu.url, tmp_path / "home")
    res = c.fail("account", "authorize", emu.key_id, "not-the-key")
    err = (res.stderr_text + res.stdout_text).lower()
    # B2 answers a wrong key with 401 unauthorized, which the official CLI's own test expects to see.
    assert "unauthorized" in err, err
    res = c.fail("account", "authorize", "0000deadbeef0000000000", emu.key)
    assert res.returncode != 0


def test_bucket_create_list_delete(cli):
    name = bucket_name("cli-bkt")
    bucket_id = cli.run("bucket", "create", name, "allPrivate").stdout_text.strip()
    assert bucket_id and " " not in bucket_id

    rows = [l.split() for l in cli.lines("bucket", "list")]
    assert [bucket_id, "allPrivate", name] in rows, rows

    listed = {b["bucketName"]: b for b in cli.json("bucket", "list", "--json")}
    assert listed[name]["bucketId"] == bucket_id
    assert listed[name]["bucketType"] == "allPrivate"

    got = cli.json("bucket", "get", name)
    assert got["bucketId"] == bucket_id and got["bucketName"] == name

    # Same name again: refused.
    res = cli.fail("bucket", "create", name, "allPrivate")
    text = (res.stderr_text + res.stdout_text).lower()
    assert "already in use" in text or "duplicate" in text, text

    public = bucket_name("cli-pub")
    cli.run("bucket", "create", public, "allPublic")
    rows = [l.split() for l in cli.lines("bucket", "list")]
    assert any(r[1:] == ["allPublic", public] for r in rows), rows

    cli.run("bucket", "delete", name)
    cli.run("bucket", "delete", public)
    names = [l.split()[-1] for l in cli.lines("bucket", "list")]
    assert name not in names and public not in names


def test_delete_non_empty_bucket_is_refused(cli, bucket, tmp_path):
    cli.upload(bucket, write(tmp_path / "f.txt", b"x"), "f.txt")
    res = cli.fail("bucket", "delete", bucket)
    assert "empty" in (res.stderr_text + res.stdout_text).lower()
    assert bucket in [l.split()[-1] for l in cli.lines("bucket", "list")]


@pytest.mark.parametrize(
    "name",
    [
        "hello.txt",
        TRICKY_NAME,
        "space name.txt",
        "plus+sign/a+b=c.txt",
        "ünïcödé/日本語 ファイル.txt",
        "odd/chars ~!$'()*;=:@,&#[]{}.txt",
    ],
)
def test_small_upload_download(cli, bucket, tmp_path, name):
    data = payload(10_000, 7) + name.encode()
    src = write(tmp_path / "src.bin", data)
    up = cli.upload(bucket, src, name)
    assert up["fileName"] == name
    assert up["contentSha1"] == sha1_hex(data)
    assert up["size"] == len(data)

    out = tmp_path / "out.bin"
    cli.run("file", "download", "--no-progress", f"b2://{bucket}/{name}", str(out))
    assert out.read_bytes() == data

    by_id = tmp_path / "by-id.bin"
    cli.run("file", "download", "--no-progress", f"b2id://{up['fileId']}", str(by_id))
    assert by_id.read_bytes() == data

    cat = cli.run("file", "cat", "--no-progress", f"b2://{bucket}/{name}")
    assert cat.stdout == data

    info = cli.file_info(bucket, name)
    assert info["fileName"] == name
    assert info["fileId"] == up["fileId"]
    assert info["contentSha1"] == sha1_hex(data)
    assert info["size"] == len(data)
    # The CLI records the local mtime; it must come back intact.
    assert info["fileInfo"].get("src_last_modified_millis") == str(int(src.stat().st_mtime * 1000))

    assert name in cli.lines("ls", "-r", f"b2://{bucket}")


def test_empty_file(cli, bucket, tmp_path):
    src = write(tmp_path / "empty", b"")
    up = cli.upload(bucket, src, "empty.txt")
    assert up["contentSha1"] == sha1_hex(b"")
    out = tmp_path / "out"
    cli.run("file", "download", "--no-progress", f"b2://{bucket}/empty.txt", str(out))
    assert out.exists() and out.read_bytes() == b""


def test_file_info_custom_metadata_and_content_type(cli, bucket, tmp_path):
    data = b'{"a": 1}\n'
    src = write(tmp_path / "x.json", data)
    cli.upload(bucket, src, "meta/x.json", "--info", "color=blue", "--info", "note=héllo wörld+%",
               "--content-type", "application/json")
    info = cli.file_info(bucket, "meta/x.json")
    assert info["contentType"] == "application/json"
    assert info["fileInfo"]["color"] == "blue"
    assert info["fileInfo"]["note"] == "héllo wörld+%"
    assert info["contentSha1"] == sha1_hex(data)


def test_large_file_multipart(cli, bucket, tmp_path):
    data = payload(LARGE_SIZE, 42)
    digest = sha1_hex(data)
    src = write(tmp_path / "large.bin", data)
    # --sha1 makes b2sdk send large_file_sha1 in the large file's info.
    up = cli.upload(bucket, src, "big/large file ü.bin", "--sha1", digest)
    # A large file (assembled from parts) has no whole-file contentSha1 on B2.
    assert up["contentSha1"] == "none", f"expected a multipart upload, got {up}"
    assert up["size"] == len(data)
    assert up["fileInfo"].get("large_file_sha1") == digest

    info = cli.file_info(bucket, "big/large file ü.bin")
    assert info["contentSha1"] == "none"
    assert info["fileInfo"]["large_file_sha1"] == digest
    assert info["size"] == len(data)

    out = tmp_path / "out.bin"
    cli.run("file", "download", "--no-progress", f"b2://{bucket}/big/large file ü.bin", str(out))
    assert out.stat().st_size == len(data)
    assert sha1_hex(out.read_bytes()) == digest

    # Without --sha1: still multipart, still byte-identical; large_file_sha1 if the CLI sent one.
    up2 = cli.upload(bucket, src, "big/second.bin")
    assert up2["contentSha1"] == "none"
    if "large_file_sha1" in up2["fileInfo"]:
        assert up2["fileInfo"]["large_file_sha1"] == digest
    out2 = tmp_path / "out2.bin"
    cli.run("file", "download", "--no-progress", f"b2://{bucket}/big/second.bin", str(out2))
    assert sha1_hex(out2.read_bytes()) == digest

    # Nothing left unfinished.
    res = cli.lines("file", "large", "unfinished", "list", f"b2://{bucket}")
    assert res == [], res


def test_ls_folders_and_recursive(cli, bucket, tmp_path):
    names = [
        "a.txt",
        "dir/b.txt",
        "dir/sub/c.txt",
        TRICKY_NAME,
        "dir0.txt",
        "dir.d/e.txt",
        "z/ünï.txt",
    ]
    for i, n in enumerate(names):
        cli.upload(bucket, write(tmp_path / f"f{i}", f"content {i}".encode()), n)

    # Recursive: every file, in B2's (UTF-8 byte) order.
    rec = cli.lines("ls", "-r", f"b2://{bucket}")
    assert rec == sorted(names, key=lambda s: s.encode()), rec

    # Top level: files and one entry per folder.
    top = cli.lines("ls", f"b2://{bucket}")
    assert top == ["a.txt", "dir.d/", "dir/", "dir0.txt", "z/"], top

    inside = cli.lines("ls", f"b2://{bucket}/dir/")
    assert inside == sorted(["dir/b.txt", TRICKY_NAME, "dir/sub/"], key=lambda s: s.encode()), inside
    # Without the trailing slash the CLI treats it as a folder too.
    assert cli.lines("ls", f"b2://{bucket}/dir") == inside

    rec_dir = cli.lines("ls", "-r", f"b2://{bucket}/dir/")
    assert rec_dir == sorted(["dir/b.txt", "dir/sub/c.txt", TRICKY_NAME], key=lambda s: s.encode())

    js = json.loads(cli.run("ls", "--json", "-r", f"b2://{bucket}/dir/").stdout_text)
    assert sorted(e["fileName"] for e in js) == sorted(rec_dir)

    long_top = cli.lines("ls", "-l", f"b2://{bucket}")
    assert len(long_top) == 5 and long_top[0].rstrip().endswith("a.txt")


def test_hide_and_delete_versions(cli, bucket, tmp_path):
    name = "hide/me ü.txt"
    v1 = cli.upload(bucket, write(tmp_path / "v1", b"version one"), name)
    v2 = cli.upload(bucket, write(tmp_path / "v2", b"version two!"), name)
    cli.upload(bucket, write(tmp_path / "k", b"keep"), "hide/keep.txt")
    assert v1["fileId"] != v2["fileId"]

    # The latest version wins on download.
    assert cli.run("file", "cat", f"b2://{bucket}/{name}").stdout == b"version two!"
    versions = cli.lines("ls", "-r", "--versions", f"b2://{bucket}/hide/")
    assert versions.count(name) == 2, versions

    js = json.loads(cli.run("ls", "--json", "-r", "--versions", f"b2://{bucket}/hide/").stdout_text)
    mine = [e for e in js if e["fileName"] == name]
    assert [e["fileId"] for e in mine] == [v2["fileId"], v1["fileId"]], "newest version first"

    hidden = cli.json("file", "hide", f"b2://{bucket}/{name}")
    assert hidden["action"] == "hide" and hidden["fileName"] == name

    assert cli.lines("ls", "-r", f"b2://{bucket}/hide/") == ["hide/keep.txt"]
    js = json.loads(cli.run("ls", "--json", "-r", "--versions", f"b2://{bucket}/hide/").stdout_text)
    mine = [(e["action"], e["fileId"]) for e in js if e["fileName"] == name]
    assert [a for a, _ in mine] == ["hide", "upload", "upload"], mine

    # Hidden files are not downloadable by name.
    res = cli.fail("file", "cat", f"b2://{bucket}/{name}")
    assert "not" in (res.stderr_text + res.stdout_text).lower()

    # Delete every version (hide marker included).
    cli.run("rm", "--versions", "--no-progress", f"b2://{bucket}/{name}")
    js = json.loads(cli.run("ls", "--json", "-r", "--versions", f"b2://{bucket}").stdout_text)
    assert [e["fileName"] for e in js] == ["hide/keep.txt"], js

    # A deleted version is gone by id too.
    cli.fail("file", "info", f"b2id://{v1['fileId']}")

    # rm -r of a folder removes everything under it.
    cli.run("rm", "-r", "--versions", "--no-progress", f"b2://{bucket}/hide/")
    assert cli.lines("ls", "-r", "--versions", f"b2://{bucket}") == []
    cli.run("bucket", "delete", bucket)


def test_sync_up_and_down(cli, bucket, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    cli.run("sync", "--no-progress", str(src), f"b2://{bucket}/backup")

    listed = cli.lines("ls", "-r", f"b2://{bucket}/backup/")
    expected = sorted((f"backup/{k}" for k in files), key=lambda s: s.encode())
    assert listed == expected, listed

    # The big file went up in parts, the others in one piece with their SHA-1.
    big = cli.file_info(bucket, "backup/big/large.bin")
    assert big["contentSha1"] == "none"
    small = cli.file_info(bucket, f"backup/{TRICKY_NAME}")
    assert small["contentSha1"] == sha1_hex(files[TRICKY_NAME])

    dst = tmp_path / "dst"
    dst.mkdir()
    cli.run("sync", "--no-progress", f"b2://{bucket}/backup", str(dst))
    assert_same_tree(files, dst)

    # A second sync up finds nothing to do and changes nothing remotely.
    before = cli.run("ls", "--json", "-r", "--versions", f"b2://{bucket}").stdout_text
    cli.run("sync", "--no-progress", str(src), f"b2://{bucket}/backup")
    after = cli.run("ls", "--json", "-r", "--versions", f"b2://{bucket}").stdout_text
    assert json.loads(before) == json.loads(after)

    # A changed file and a deleted file propagate with --delete.
    (src / "hello.txt").write_bytes(b"changed content\n")
    os.utime(src / "hello.txt", (2_000_000_000, 2_000_000_000))
    (src / "space name.txt").unlink()
    files["hello.txt"] = b"changed content\n"
    del files["space name.txt"]
    cli.run("sync", "--no-progress", "--delete", str(src), f"b2://{bucket}/backup")
    dst2 = tmp_path / "dst2"
    dst2.mkdir()
    cli.run("sync", "--no-progress", f"b2://{bucket}/backup", str(dst2))
    assert_same_tree(files, dst2)


def test_restricted_key(cli, emu, bucket, tmp_path):
    inside = "p/inside ü.txt"
    cli.upload(bucket, write(tmp_path / "in", b"inside data"), inside)
    cli.upload(bucket, write(tmp_path / "out", b"outside data"), "q/outside.txt")
    other = bucket_name("cli-other")
    cli.run("bucket", "create", other, "allPrivate")
    cli.upload(other, write(tmp_path / "o", b"other bucket"), "p/x.txt")

    out = cli.run("key", "create", "--bucket", bucket, "--name-prefix", "p/", "restricted-key",
                  "listFiles,readFiles,listBuckets").stdout_text.split()
    assert len(out) == 2, out
    key_id, key = out
    assert key_id != emu.key_id

    keys = cli.lines("key", "list")
    assert any("restricted-key" in l and key_id in l for l in keys), keys

    r = B2Cli(emu.url, tmp_path / "restricted-home")
    r.run("account", "authorize", key_id, key)
    acct = r.json("account", "get")
    assert acct["allowed"]["namePrefix"] == "p/"
    assert [b["name"] for b in acct["allowed"]["buckets"]] == [bucket]
    assert sorted(acct["allowed"]["capabilities"]) == ["listBuckets", "listFiles", "readFiles"]

    # Allowed: list and download inside the prefix.
    assert r.lines("ls", "-r", f"b2://{bucket}/p/") == [inside]
    dl = tmp_path / "dl"
    r.run("file", "download", "--no-progress", f"b2://{bucket}/{inside}", str(dl))
    assert dl.read_bytes() == b"inside data"
    assert r.run("file", "cat", f"b2://{bucket}/{inside}").stdout == b"inside data"

    def refused(*args):
        res = r.fail(*args)
        text = (res.stderr_text + res.stdout_text).lower()
        assert "unauthorized" in text or "restricted" in text, text
        return text

    # Refused: outside the prefix (download and listing), another bucket, and uploads.
    refused("file", "cat", f"b2://{bucket}/q/outside.txt")
    refused("file", "download", "--no-progress", f"b2://{bucket}/q/outside.txt", str(tmp_path / "x"))
    refused("ls", "-r", f"b2://{bucket}/q/")
    refused("ls", "-r", f"b2://{other}/p/")
    refused("file", "upload", "--no-progress", bucket, str(tmp_path / "in"), "p/new.txt")
    refused("file", "hide", f"b2://{bucket}/{inside}")
    refused("bucket", "create", bucket_name("cli-nope"), "allPrivate")

    # Nothing was written by the refused calls.
    assert cli.lines("ls", "-r", f"b2://{bucket}") == [inside, "q/outside.txt"]

    # A deleted key stops working.
    cli.run("key", "delete", key_id)
    r2 = B2Cli(emu.url, tmp_path / "deleted-home")
    r2.fail("account", "authorize", key_id, key)
