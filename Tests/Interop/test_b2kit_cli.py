"""b2kit's client commands (`ls`, `mb`, `rb`, `cp`, `cat`, `rm`, `url`) against `b2kit serve`,
cross-checked with the official Backblaze `b2` CLI: what b2kit writes the official CLI reads back
byte for byte, and what the official CLI writes b2kit reads back byte for byte.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests

from conftest import emulator_binary
from helpers import LARGE_SIZE, TRICKY_NAME, bucket_name, payload, sha1_hex, write
from test_b2_cli import B2Cli

# Output that only a crash, an uncaught exception or a runtime trap produces.
CRASH_MARKERS = (
    "Traceback (most recent call last)",
    "Fatal error",
    "fatal error",
    "Current stack trace",
    "Stack dump",
    "Illegal instruction",
    "Segmentation fault",
    "Swift runtime failure",
    "💣",
    "Program crashed",
    "NSCocoaErrorDomain",
    "Error Domain=",
)


def scrubbed_environment(home: Path) -> dict[str, str]:
    """The process environment without anything that could point b2kit at credentials."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("B2_") or k.startswith("B2KIT_") or k.startswith("AWS_"))
    }
    env.update(HOME=str(home), LC_ALL="C.UTF-8", LANG="C.UTF-8")
    return env


class B2Kit:
    """Runs the b2kit executable with the given environment, from an empty working directory."""

    def __init__(self, env: dict[str, str], cwd: Path, secrets: tuple[str, ...] = ()):
        cwd.mkdir(parents=True, exist_ok=True)
        self.env = env
        self.cwd = cwd
        self.secrets = secrets
        self.binary = str(emulator_binary())

    def run(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 300, binary: str | None = None,
            prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        """Run b2kit (or `binary`) with ARGS, after the command words of `prefix` (such as setpriv's)."""
        proc = subprocess.run(
            [*prefix, binary or self.binary, *args],
            env=self.env if env is None else env,
            cwd=str(cwd or self.cwd),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
        )
        proc.args_text = "b2kit " + " ".join(args)
        proc.stdout_text = proc.stdout.decode("utf-8", errors="replace")
        proc.stderr_text = proc.stderr.decode("utf-8", errors="replace")
        for marker in CRASH_MARKERS:
            assert marker not in proc.stdout_text + proc.stderr_text, (
                f"`{proc.args_text}` printed crash output ({marker!r})\n{describe(proc)}"
            )
        for secret in self.secrets:
            assert secret not in proc.stdout_text and secret not in proc.stderr_text, (
                f"`{proc.args_text}` printed an application key\n{describe(proc)}"
            )
        return proc

    def ok(self, *args: str, **kw) -> subprocess.CompletedProcess:
        """Run a command that must succeed, quietly on stderr unless -v asks for a log."""
        proc = self.run(*args, **kw)
        assert proc.returncode == 0, f"`{proc.args_text}` exited {proc.returncode}\n{describe(proc)}"
        if not verbose(args):
            assert proc.stderr_text == "", f"`{proc.args_text}` wrote to stderr on success\n{describe(proc)}"
        return proc

    def fail(self, code: int | tuple[int, ...], *args: str, **kw) -> str:
        """Run a command that must fail with exit CODE and one `b2kit: ` line; return that line."""
        proc = self.run(*args, **kw)
        codes = code if isinstance(code, tuple) else (code,)
        assert proc.returncode in codes, (
            f"`{proc.args_text}` exited {proc.returncode}, expected {codes}\n{describe(proc)}"
        )
        assert_one_error_line(proc)
        return proc.error_line

    def lines(self, *args: str, **kw) -> list[str]:
        return [l for l in self.ok(*args, **kw).stdout_text.splitlines() if l.strip()]

    def json_lines(self, *args: str, **kw) -> list[dict]:
        out = []
        for line in self.ok(*args, **kw).stdout_text.splitlines():
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    raise AssertionError(
                        f"`b2kit {' '.join(args)}` printed a line that is not JSON: {line!r}"
                    ) from None
        return out

    def json(self, *args: str, **kw) -> dict:
        objs = self.json_lines(*args, **kw)
        assert len(objs) == 1, f"`b2kit {' '.join(args)}` printed {len(objs)} JSON values: {objs}"
        return objs[0]


def describe(proc: subprocess.CompletedProcess) -> str:
    return f"--- stdout ---\n{proc.stdout_text}\n--- stderr ---\n{proc.stderr_text}"


def verbose(args) -> bool:
    return "-v" in args or "--verbose" in args


def assert_one_error_line(proc: subprocess.CompletedProcess) -> None:
    err = proc.stderr_text
    if verbose(proc.args[1:]):
        # -v may log before the error; the error is still one line, the last.
        lines = err.splitlines()
        assert err.endswith("\n") and sum(l.startswith("b2kit: ") for l in lines) == 1, describe(proc)
        err = lines[-1] + "\n"
    assert err.endswith("\n") and err.count("\n") == 1, (
        f"`{proc.args_text}`: expected exactly one line on stderr\n{describe(proc)}"
    )
    assert err.startswith("b2kit: "), f"`{proc.args_text}`: error does not start 'b2kit: '\n{describe(proc)}"
    assert len(err.strip()) > len("b2kit: ") + 10, f"`{proc.args_text}`: error says nothing\n{describe(proc)}"
    proc.error_line = err.strip()
    assert proc.stdout_text == "", f"`{proc.args_text}` printed to stdout on failure\n{describe(proc)}"


def b2_order(names):
    return sorted(names, key=lambda s: s.encode())


# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emu(emulator_factory):
    # conftest already passes this part size; pass it explicitly so this module does not depend on
    # the default (the last occurrence of the option wins).
    return emulator_factory("--recommended-part-size", "5000000")


@pytest.fixture(scope="module")
def cli(emu, tmp_path_factory) -> B2Cli:
    c = B2Cli(emu.url, tmp_path_factory.mktemp("b2cli-for-b2kit"))
    c.run("account", "authorize", emu.key_id, emu.key)
    return c


@pytest.fixture(scope="module")
def kit(emu, tmp_path_factory) -> B2Kit:
    home = tmp_path_factory.mktemp("b2kit-home")
    env = scrubbed_environment(home)
    env.update(B2_ENVIRONMENT=emu.url, B2_APPLICATION_KEY_ID=emu.key_id, B2_APPLICATION_KEY=emu.key)
    return B2Kit(env, home / "cwd", secrets=(emu.key,))


@pytest.fixture
def bucket(cli) -> str:
    name = bucket_name("kit")
    cli.run("bucket", "create", name, "allPrivate")
    return name


def official_names(cli: B2Cli, *args: str) -> list[str]:
    return cli.lines("ls", *args)


def official_versions(cli: B2Cli, bucket: str, prefix: str = "") -> list[dict]:
    return json.loads(cli.run("ls", "--json", "-r", "--versions", f"b2://{bucket}/{prefix}").stdout_text)


def account_token(emu) -> tuple[str, str]:
    r = requests.get(f"{emu.url}/b2api/v3/b2_authorize_account", auth=(emu.key_id, emu.key), timeout=30)
    r.raise_for_status()
    body = r.json()
    return body["authorizationToken"], body["apiInfo"]["storageApi"]["downloadUrl"]


# --- (a) b2kit uploads, the official CLI reads ------------------------------------------------


def test_b2kit_uploads_official_cli_downloads(kit, cli, bucket, tmp_path):
    small = payload(100_000, 11)
    large = payload(LARGE_SIZE, 12)
    small_src = write(tmp_path / "small.bin", small)
    large_src = write(tmp_path / "large.bin", large)
    small_name = "up/small ü+%20.bin"
    large_name = "up/large file ü+%.bin"

    out = kit.lines("cp", str(small_src), f"b2://{bucket}/{small_name}")
    assert out == [f"uploaded b2://{bucket}/{small_name} (100000 bytes, sha1 {sha1_hex(small)})"], out

    up = kit.json("cp", "--json", str(large_src), f"b2://{bucket}/{large_name}")
    assert up["uploaded"] == f"b2://{bucket}/{large_name}", up
    assert up["size"] == LARGE_SIZE, up
    assert up["sha1"] == sha1_hex(large), up

    # The small file went up in one piece with its SHA-1.
    info = cli.file_info(bucket, small_name)
    assert info["fileName"] == small_name
    assert info["size"] == len(small)
    assert info["contentSha1"] == sha1_hex(small), info

    # The large one went up in parts: B2 has no whole-file SHA-1, only large_file_sha1.
    info = cli.file_info(bucket, large_name)
    assert info["size"] == LARGE_SIZE
    assert info["contentSha1"] == "none", f"b2kit did not upload {LARGE_SIZE} bytes as a large file: {info}"
    assert info["fileInfo"].get("large_file_sha1") == sha1_hex(large), info
    assert info["fileId"] == up["fileId"]
    assert cli.lines("file", "large", "unfinished", "list", f"b2://{bucket}") == []

    for name, data in ((small_name, small), (large_name, large)):
        dst = tmp_path / ("official-" + sha1_hex(name.encode()))
        cli.run("file", "download", "--no-progress", f"b2://{bucket}/{name}", str(dst))
        got = dst.read_bytes()
        assert len(got) == len(data), name
        assert sha1_hex(got) == sha1_hex(data), f"{name}: bytes differ"

    # Uploading to a 'folder' (trailing slash) keeps the local file name.
    kit.ok("cp", "-q", str(small_src), f"b2://{bucket}/into/")
    assert cli.run("file", "cat", f"b2://{bucket}/into/small.bin").stdout == small
    assert official_names(cli, "-r", f"b2://{bucket}") == b2_order(
        [small_name, large_name, "into/small.bin"]
    )


def test_b2kit_uploads_empty_file(kit, cli, bucket, tmp_path):
    src = write(tmp_path / "empty", b"")
    kit.ok("cp", str(src), f"b2://{bucket}/empty.txt")
    info = cli.file_info(bucket, "empty.txt")
    assert info["size"] == 0 and info["contentSha1"] == sha1_hex(b""), info
    dst = tmp_path / "back"
    kit.ok("cp", f"b2://{bucket}/empty.txt", str(dst))
    assert dst.exists() and dst.read_bytes() == b""


# --- (b) the official CLI uploads, b2kit reads ------------------------------------------------


def test_official_cli_uploads_b2kit_downloads(kit, cli, bucket, tmp_path):
    small = payload(30_000, 21) + TRICKY_NAME.encode()
    large = payload(LARGE_SIZE, 22)
    small_name = TRICKY_NAME  # "dir/héllo wörld+plus%20.txt"
    large_name = "big/lärge + 100% file.bin"
    cli.upload(bucket, write(tmp_path / "s", small), small_name)
    up = cli.upload(bucket, write(tmp_path / "l", large), large_name, "--sha1", sha1_hex(large))
    assert up["contentSha1"] == "none", "the official CLI did not make a large file"

    # cp to a file.
    for name, data in ((small_name, small), (large_name, large)):
        dst = tmp_path / f"kit-{len(data)}.bin"
        out = kit.lines("cp", f"b2://{bucket}/{name}", str(dst))
        assert out == [f"downloaded b2://{bucket}/{name} to {dst} ({len(data)} bytes)"], out
        got = dst.read_bytes()
        assert len(got) == len(data) and sha1_hex(got) == sha1_hex(data), f"{name}: bytes differ"

    # --json reports the same.
    dst = tmp_path / "json.bin"
    rep = kit.json("cp", "--json", f"b2://{bucket}/{large_name}", str(dst))
    assert rep["size"] == LARGE_SIZE and rep["to"] == str(dst), rep
    assert sha1_hex(dst.read_bytes()) == sha1_hex(large)

    # An existing file is replaced, not appended to or left partly old.
    dst = write(tmp_path / "existing.bin", b"x" * (len(small) * 3))
    kit.ok("cp", "-q", f"b2://{bucket}/{small_name}", str(dst))
    assert dst.read_bytes() == small

    # cat, and cp to '-', stream the exact bytes.
    assert kit.ok("cat", f"b2://{bucket}/{small_name}").stdout == small
    assert kit.ok("cp", f"b2://{bucket}/{small_name}", "-").stdout == small
    streamed = kit.ok("cat", f"b2://{bucket}/{large_name}").stdout
    assert len(streamed) == LARGE_SIZE and sha1_hex(streamed) == sha1_hex(large)


def test_b2kit_cats_a_file_of_the_large_download_size(kit, cli, bucket, tmp_path):
    """From 32 MiB up, b2kit reads a download on a connection of its own in large reads: the bytes of a file
    the official CLI uploads in parts come out intact, and a reader that stops early ends b2kit quietly."""
    data = payload(40 * 1024 * 1024 + 4321, 23)
    name = "big/forty mib.bin"
    up = cli.upload(bucket, write(tmp_path / "forty", data), name, "--sha1", sha1_hex(data))
    assert up["contentSha1"] == "none", "the official CLI did not make a large file"
    streamed = kit.ok("cat", f"b2://{bucket}/{name}").stdout
    assert len(streamed) == len(data) and sha1_hex(streamed) == sha1_hex(data)
    # `b2kit cat ... | head -c 100000`: the pipe closes with most of the file unread.
    proc = subprocess.Popen(
        [kit.binary, "cat", f"b2://{bucket}/{name}"], env=kit.env, cwd=str(kit.cwd),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    head = proc.stdout.read(100_000)
    proc.stdout.close()
    code = proc.wait(timeout=60)
    stderr = proc.stderr.read().decode("utf-8", errors="replace")
    proc.stderr.close()
    assert head == data[:100_000]
    assert code == 0 and stderr == "", f"exit {code}, stderr {stderr!r}"


# --- (c) listings, buckets, deletes, URLs, copies ---------------------------------------------

LS_NAMES = ["a.txt", "dir/b.txt", "dir/sub/c.txt", TRICKY_NAME, "dir0.txt", "dir.d/e.txt", "z/ünï.txt"]


@pytest.fixture
def ls_bucket(cli, bucket, tmp_path) -> str:
    for i, n in enumerate(LS_NAMES):
        cli.upload(bucket, write(tmp_path / f"f{i}", f"content {i} {'x' * i}".encode()), n)
    return bucket


def test_ls_levels_match_official_cli(kit, cli, ls_bucket):
    b = ls_bucket
    top = kit.lines("ls", f"b2://{b}")
    assert top == ["a.txt", "dir.d/", "dir/", "dir0.txt", "z/"], top
    assert top == official_names(cli, f"b2://{b}")

    inside = kit.lines("ls", f"b2://{b}/dir/")
    assert inside == b2_order(["dir/b.txt", TRICKY_NAME, "dir/sub/"]), inside
    assert inside == official_names(cli, f"b2://{b}/dir/")
    # Without the trailing slash a prefix is still a folder (not dir.d/ or dir0.txt).
    assert kit.lines("ls", f"b2://{b}/dir") == inside

    rec = kit.lines("ls", "-r", f"b2://{b}")
    assert rec == b2_order(LS_NAMES), rec
    assert rec == official_names(cli, "-r", f"b2://{b}")
    assert kit.lines("ls", "--recursive", f"b2://{b}/dir") == b2_order(
        ["dir/b.txt", "dir/sub/c.txt", TRICKY_NAME]
    )

    # An empty prefix lists nothing, successfully.
    assert kit.ok("ls", f"b2://{b}/nothing-here/").stdout == b""


def test_ls_long_and_json_match_official_cli(kit, cli, ls_bucket):
    b = ls_bucket
    official = {e["fileName"]: e for e in json.loads(cli.run("ls", "--json", "-r", f"b2://{b}").stdout_text)}
    assert sorted(official) == sorted(LS_NAMES)

    # -l: action, size, upload time and name for files; folders by name.
    long_top = kit.lines("ls", "-l", f"b2://{b}")
    assert len(long_top) == 5, long_top
    by_name = {}
    for line in long_top:
        if line.endswith("/"):
            assert line in ("dir.d/", "dir/", "z/"), line
            continue
        m = re.match(r"^\s*(\w+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.+)$", line)
        assert m, f"unexpected ls -l line {line!r}"
        assert m.group(4) == "-", line  # neither encrypted nor locked
        by_name[m.group(5)] = m
    assert sorted(by_name) == ["a.txt", "dir0.txt"], long_top
    for name, m in by_name.items():
        assert m.group(1) == "upload"
        assert int(m.group(2)) == official[name]["size"]
        when = datetime.datetime.fromisoformat(m.group(3).replace("Z", "+00:00"))
        assert abs(when.timestamp() * 1000 - official[name]["uploadTimestamp"]) < 1000, (line, official[name])

    long_rec = kit.lines("ls", "-l", "-r", f"b2://{b}")
    assert [l.split(None, 4)[4] for l in long_rec] == b2_order(LS_NAMES), long_rec

    # --json: one object per line, agreeing with the official listing.
    entries = kit.json_lines("ls", "--json", "-r", f"b2://{b}")
    assert [e["fileName"] for e in entries] == b2_order(LS_NAMES)
    for e in entries:
        o = official[e["fileName"]]
        assert e["fileId"] == o["fileId"], e
        assert e["size"] == o["size"], e
        assert e["contentSha1"] == o["contentSha1"], e
        assert e["action"] == "upload"
        assert e["uploadTimestamp"] == o["uploadTimestamp"]

    folders = [e for e in kit.json_lines("ls", "--json", f"b2://{b}") if e["action"] == "folder"]
    assert sorted(f["fileName"] for f in folders) == ["dir.d/", "dir/", "z/"], folders


def test_ls_versions_and_hidden(kit, cli, bucket, tmp_path):
    name = "v/ver ü.txt"
    v1 = cli.upload(bucket, write(tmp_path / "1", b"one"), name)
    v2 = cli.upload(bucket, write(tmp_path / "2", b"two!"), name)
    cli.upload(bucket, write(tmp_path / "k", b"keep"), "v/keep.txt")

    assert kit.lines("ls", "-r", f"b2://{bucket}") == ["v/keep.txt", name]
    assert kit.lines("ls", "-r", "--versions", f"b2://{bucket}") == ["v/keep.txt", name, name]
    js = [e for e in kit.json_lines("ls", "--json", "-r", "--versions", f"b2://{bucket}") if e["fileName"] == name]
    assert [e["fileId"] for e in js] == [v2["fileId"], v1["fileId"]], "newest version first"
    assert [e["size"] for e in js] == [4, 3]

    cli.run("file", "hide", f"b2://{bucket}/{name}")
    assert kit.lines("ls", "-r", f"b2://{bucket}") == ["v/keep.txt"]
    js = [e for e in kit.json_lines("ls", "--json", "-r", "--versions", f"b2://{bucket}") if e["fileName"] == name]
    assert [e["action"] for e in js] == ["hide", "upload", "upload"], js
    assert kit.fail(1, "cat", f"b2://{bucket}/{name}")


def test_ls_buckets(kit, cli, bucket):
    official = {b["bucketName"]: b for b in cli.json("bucket", "list", "--json")}
    names = kit.lines("ls")
    assert names == sorted(official), (names, sorted(official))
    assert bucket in names

    long = [l.split() for l in kit.lines("ls", "-l")]
    assert sorted(long) == sorted(
        [[b["bucketId"], b["bucketType"], n] for n, b in official.items()]
    ), long

    js = kit.json_lines("ls", "--json")
    assert {e["bucketName"]: (e["bucketId"], e["bucketType"]) for e in js} == {
        n: (b["bucketId"], b["bucketType"]) for n, b in official.items()
    }


def test_mb_rb(kit, cli):
    private = bucket_name("kit-mb")
    public = bucket_name("kit-pub")
    out = kit.lines("mb", f"b2://{private}")
    got = cli.json("bucket", "get", private)
    assert got["bucketType"] == "allPrivate"
    assert out == [f"created b2://{private} (allPrivate, id {got['bucketId']})"], out

    made = kit.json("mb", "--json", "--public", f"b2://{public}")
    got = cli.json("bucket", "get", public)
    assert got["bucketType"] == "allPublic"
    assert made == {
        "bucketId": got["bucketId"], "bucketName": public, "bucketType": "allPublic", "revision": 1,
        "fileLockEnabled": False, "defaultServerSideEncryption": "none", "lifecycleRules": [],
    }

    # The same name again is refused and names the bucket.
    err = kit.fail(1, "mb", f"b2://{private}")
    assert private in err

    assert kit.lines("rb", f"b2://{private}") == [f"deleted b2://{private}"]
    kit.ok("rb", "-q", f"b2://{public}")
    listed = [l.split()[-1] for l in cli.lines("bucket", "list")]
    assert private not in listed and public not in listed

    # Deleting it again fails, naming it.
    assert private in kit.fail(1, "rb", f"b2://{private}")


def test_rm_latest_version_and_all_versions(kit, cli, bucket, tmp_path):
    name = "rm/file ü+%.txt"
    v1 = cli.upload(bucket, write(tmp_path / "1", b"version one"), name)
    v2 = cli.upload(bucket, write(tmp_path / "2", b"version two"), name)

    out = kit.lines("rm", f"b2://{bucket}/{name}")
    assert out == [f"deleted {name} ({v2['fileId']})"], out
    assert [e["fileId"] for e in official_versions(cli, bucket)] == [v1["fileId"]]
    # The older version is now the file.
    assert cli.run("file", "cat", f"b2://{bucket}/{name}").stdout == b"version one"

    other = "rm/many.txt"
    ids = [cli.upload(bucket, write(tmp_path / f"m{i}", f"m{i}".encode()), other)["fileId"] for i in range(3)]
    out = kit.lines("rm", "--versions", f"b2://{bucket}/{other}")
    assert len(out) == 3 and all(l.startswith(f"deleted {other} (") for l in out), out
    assert sorted(l[l.index("(") + 1 : -1] for l in out) == sorted(ids)
    assert [e["fileName"] for e in official_versions(cli, bucket)] == [name]

    # A file that is not there.
    err = kit.fail(1, "rm", f"b2://{bucket}/rm/none.txt")
    assert "rm/none.txt" in err


def test_rm_json_output_is_json(kit, cli, bucket, tmp_path):
    cli.upload(bucket, write(tmp_path / "1", b"1"), "j.txt")
    out = kit.json_lines("rm", "--json", f"b2://{bucket}/j.txt")  # every line must be JSON
    assert out[-1] == {"deleted": 1}, out
    assert official_versions(cli, bucket) == []


def test_rb_json_output_is_json(kit, cli):
    name = bucket_name("kit-rb-json")
    kit.ok("mb", "-q", f"b2://{name}")
    out = kit.json_lines("rb", "--json", f"b2://{name}")  # every line must be JSON
    assert len(out) == 1 and name in json.dumps(out[0]), out
    assert name not in [l.split()[-1] for l in cli.lines("bucket", "list")]


def test_rm_recursive(kit, cli, bucket, tmp_path):
    names = ["tree/a.txt", "tree/b/c ü.txt", "tree/b/d+e.txt", "tree.txt", "treehouse/x.txt", "other/y.txt"]
    for i, n in enumerate(names):
        cli.upload(bucket, write(tmp_path / f"f{i}", f"{i}".encode()), n)
    # A second version of one file under the prefix.
    older = cli.upload(bucket, write(tmp_path / "old", b"older"), "tree/a.txt")

    out = kit.lines("rm", "-r", "--versions", f"b2://{bucket}/tree/")
    assert len(out) == 4, out
    left = [e["fileName"] for e in official_versions(cli, bucket)]
    assert left == b2_order(["tree.txt", "treehouse/x.txt", "other/y.txt"]), left
    assert older["fileId"] not in {e["fileId"] for e in official_versions(cli, bucket)}

    # Without --versions only the latest versions go; older ones become visible.
    cli.upload(bucket, write(tmp_path / "o1", b"o1"), "other/z.txt")
    cli.upload(bucket, write(tmp_path / "o2", b"o2"), "other/z.txt")
    kit.ok("rm", "-q", "--recursive", f"b2://{bucket}/other/")
    assert official_names(cli, "-r", f"b2://{bucket}/other/") == ["other/z.txt"]
    assert cli.run("file", "cat", f"b2://{bucket}/other/z.txt").stdout == b"o1"


def test_rm_recursive_without_slash_is_a_folder(kit, cli, bucket, tmp_path):
    """`rm -r b2://B/tree` removes the folder tree/, as `ls b2://B/tree` lists it and as the
    official `b2 rm -r` does: never tree.txt or treehouse/."""
    for i, n in enumerate(["tree/a.txt", "tree/b/c.txt", "tree.txt", "treehouse/x.txt"]):
        cli.upload(bucket, write(tmp_path / f"f{i}", f"{i}".encode()), n)
    assert kit.lines("ls", f"b2://{bucket}/tree") == ["tree/a.txt", "tree/b/"]
    kit.ok("rm", "-r", "-q", f"b2://{bucket}/tree")
    left = official_names(cli, "-r", f"b2://{bucket}")
    assert left == ["tree.txt", "treehouse/x.txt"], f"rm -r b2://{bucket}/tree deleted outside tree/: left {left}"


def test_url_private_and_public(kit, cli, emu, bucket, tmp_path):
    data = payload(20_000, 31)
    name = "url/héllo wörld+plus%20.bin"
    cli.upload(bucket, write(tmp_path / "u", data), name)
    url = kit.lines("url", f"b2://{bucket}/{name}")
    assert len(url) == 1, url
    url = url[0]
    token, download_url = account_token(emu)
    assert url.startswith(f"{download_url.rstrip('/')}/file/{bucket}/"), url
    assert " " not in url and "ü" not in url and "é" not in url, f"URL not percent-encoded: {url}"

    r = requests.get(url, timeout=30)
    assert r.status_code == 401, f"private file downloadable without a token: {r.status_code}"
    r = requests.get(url, headers={"Authorization": token}, timeout=30)
    assert r.status_code == 200, r.text[:500]
    assert r.content == data

    assert kit.json("url", "--json", f"b2://{bucket}/{name}") == {"url": url}

    public = bucket_name("kit-url-pub")
    kit.ok("mb", "-q", "--public", f"b2://{public}")
    kit.ok("cp", "-q", str(tmp_path / "u"), f"b2://{public}/{name}")
    purl = kit.lines("url", f"b2://{public}/{name}")[0]
    r = requests.get(purl, timeout=30)
    assert r.status_code == 200, f"public file needs a token? {r.status_code}"
    assert r.content == data


def test_copy_b2_to_b2(kit, cli, bucket, tmp_path):
    small = payload(50_000, 41)
    large = payload(LARGE_SIZE, 42)
    kit.ok("cp", "-q", str(write(tmp_path / "s", small)), f"b2://{bucket}/src/small ü.bin")
    kit.ok("cp", "-q", str(write(tmp_path / "l", large)), f"b2://{bucket}/src/large+%.bin")

    out = kit.lines("cp", f"b2://{bucket}/src/small ü.bin", f"b2://{bucket}/dst/renamed ü.bin")
    assert out == [f"copied b2://{bucket}/dst/renamed ü.bin (50000 bytes, sha1 {sha1_hex(small)})"], out
    info = cli.file_info(bucket, "dst/renamed ü.bin")
    assert info["size"] == len(small) and info["contentSha1"] == sha1_hex(small)
    assert cli.run("file", "cat", f"b2://{bucket}/dst/renamed ü.bin").stdout == small

    other = bucket_name("kit-cp-other")
    cli.run("bucket", "create", other, "allPrivate")
    rep = kit.json("cp", "--json", f"b2://{bucket}/src/large+%.bin", f"b2://{other}/copies/")
    assert rep["copied"] == f"b2://{other}/copies/large+%.bin", rep
    assert rep["size"] == LARGE_SIZE
    info = cli.file_info(other, "copies/large+%.bin")
    assert info["size"] == LARGE_SIZE and info["fileId"] == rep["fileId"]
    dst = tmp_path / "copied.bin"
    cli.run("file", "download", "--no-progress", f"b2://{other}/copies/large+%.bin", str(dst))
    assert sha1_hex(dst.read_bytes()) == sha1_hex(large)

    # The sources are untouched.
    assert official_names(cli, "-r", f"b2://{bucket}/src/") == ["src/large+%.bin", "src/small ü.bin"]

    # Copying what is not there names it.
    assert "src/nope.bin" in kit.fail(1, "cp", f"b2://{bucket}/src/nope.bin", f"b2://{bucket}/x")


# --- (d) bad input ----------------------------------------------------------------------------


def test_unknown_bucket(kit, tmp_path):
    missing = bucket_name("kit-missing")
    for args in (
        ("ls", f"b2://{missing}"),
        ("ls", "-r", f"b2://{missing}/some/prefix"),
        ("cat", f"b2://{missing}/x.txt"),
        ("cp", f"b2://{missing}/x.txt", str(tmp_path / "x")),
        ("cp", str(write(tmp_path / "up", b"up")), f"b2://{missing}/x.txt"),
        ("rm", f"b2://{missing}/x.txt"),
        ("rb", f"b2://{missing}"),
    ):
        err = kit.fail(1, *args)
        assert missing in err, f"`b2kit {' '.join(args)}`: error does not name the bucket: {err}"
    assert not (tmp_path / "x").exists(), "a failed download left a file behind"


def test_paths_without_scheme_are_usage_errors(kit, bucket, tmp_path):
    for args in (
        ("ls", bucket),
        ("ls", f"{bucket}/dir"),
        ("cat", f"{bucket}/x.txt"),
        ("rm", f"{bucket}/x.txt"),
        ("url", f"{bucket}/x.txt"),
        ("mb", "kit-no-scheme-bucket"),
        ("rb", bucket),
    ):
        err = kit.fail(2, *args)
        assert "b2://" in err, f"`b2kit {' '.join(args)}`: error does not show the b2:// form: {err}"
    # Two local paths: one of them needed a scheme.
    src = write(tmp_path / "a.txt", b"a")
    kit.fail(2, "cp", str(src), f"{bucket}/a.txt")
    assert not (tmp_path / f"{bucket}").exists()
    # Unknown commands and options.
    kit.fail(2, "frobnicate")
    kit.fail(2, "ls", "--no-such-option")
    kit.fail(2, "cp", str(src))


def test_missing_local_file(kit, cli, bucket, tmp_path):
    missing = tmp_path / "does-not-exist.bin"
    err = kit.fail(1, "cp", str(missing), f"b2://{bucket}/x.bin")
    assert str(missing) in err or missing.name in err, err
    assert official_versions(cli, bucket) == []


def test_unreadable_local_file(kit, cli, bucket):
    """A file b2kit may not read, and one in a folder it may not enter: exit 1, one line that says which, nothing
    uploaded. Root reads any file, so under root b2kit runs as nobody, from a copy of itself nobody may run."""
    folder = Path(tempfile.mkdtemp(prefix="b2kit-unreadable-"))
    folder.chmod(0o755)
    closed = folder / "closed"
    try:
        secret = write(folder / "secret.bin", b"data")
        secret.chmod(0)
        closed.mkdir()
        write(closed / "inside.bin", b"data")
        closed.chmod(0)
        binary, prefix = None, ()
        if os.geteuid() == 0:
            binary = str(folder / "b2kit")
            shutil.copy(kit.binary, binary)
            os.chmod(binary, 0o755)
            prefix = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--")
        run = dict(binary=binary, prefix=prefix, cwd=folder, env={**kit.env, "HOME": str(folder)})
        err = kit.fail(1, "cp", str(secret), f"b2://{bucket}/secret.bin", **run)
        assert err == f"b2kit: Cannot read {secret}: check its permissions (ls -l shows them)", err
        err = kit.fail(1, "cp", str(closed / "inside.bin"), f"b2://{bucket}/inside.bin", **run)
        assert str(closed / "inside.bin") in err and "a folder above it may not be entered" in err, err
        assert official_versions(cli, bucket) == []
    finally:
        if closed.exists():
            closed.chmod(0o700)
        shutil.rmtree(folder, ignore_errors=True)


def test_destination_is_a_directory(kit, cli, bucket, tmp_path):
    cli.upload(bucket, write(tmp_path / "f", b"data"), "f.txt")
    d = tmp_path / "adir"
    d.mkdir()
    err = kit.fail((1, 2), "cp", f"b2://{bucket}/f.txt", str(d))
    assert str(d) in err or "directory" in err.lower(), err
    assert list(d.iterdir()) == [], "cp wrote into the directory although it failed"
    # A directory as the source.
    kit.fail((1, 2), "cp", str(d), f"b2://{bucket}/d")
    assert official_names(cli, "-r", f"b2://{bucket}") == ["f.txt"]


def test_rb_non_empty_bucket(kit, cli, bucket, tmp_path):
    cli.upload(bucket, write(tmp_path / "f", b"data"), "keep/me.txt")
    err = kit.fail(1, "rb", f"b2://{bucket}")
    low = err.lower()
    assert bucket in err and "delete" in low and "file" in low, err
    assert bucket in [l.split()[-1] for l in cli.lines("bucket", "list")]


def test_file_not_found(kit, bucket, tmp_path):
    for args in (
        ("cat", f"b2://{bucket}/no/such file.txt"),
        ("cp", f"b2://{bucket}/no/such file.txt", str(tmp_path / "out")),
        ("rm", f"b2://{bucket}/no/such file.txt"),
    ):
        err = kit.fail(1, *args)
        assert "no/such file.txt" in err, err
    assert not (tmp_path / "out").exists()
    # A bucket or folder where a file is needed.
    kit.fail(2, "cat", f"b2://{bucket}")
    kit.fail(2, "cat", f"b2://{bucket}/folder/")


def test_no_credentials(emu, tmp_path):
    env = scrubbed_environment(tmp_path)
    env["B2_ENVIRONMENT"] = emu.url
    bare = B2Kit(env, tmp_path / "empty-cwd", secrets=(emu.key,))
    for args in (("ls",), ("account",), ("ls", "b2://some-bucket"), ("cat", "b2://some-bucket/x")):
        err = bare.fail(2, *args)
        for place in ("--key-id", "B2_APPLICATION_KEY_ID", "io_config.yaml", "--credentials"):
            assert place in err, f"`b2kit {' '.join(args)}`: message does not mention {place}: {err}"
