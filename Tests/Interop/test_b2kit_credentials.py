"""Where b2kit finds credentials, run from the command line against `b2kit serve`:
a Mage-style io_config.yaml with several profiles, an Algorithmia-style credentials JSON, plain
environment variables; precedence between them; a restricted key; and no secret in any output.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path

import pytest

from helpers import bucket_name, payload, write
from test_b2_cli import B2Cli
from test_b2kit_cli import B2Kit, scrubbed_environment

INSIDE = "p/inside ü+%.txt"
INSIDE_DATA = b"inside the prefix\n"
OUTSIDE = "q/outside.txt"

FULL_CAPS = "listBuckets,listFiles,readFiles,writeFiles,deleteFiles,writeBuckets,deleteBuckets,shareFiles"


@dataclasses.dataclass
class Key:
    key_id: str
    key: str


@pytest.fixture(scope="module")
def emu(fresh_emulator):
    return fresh_emulator


@pytest.fixture(scope="module")
def cli(emu, tmp_path_factory) -> B2Cli:
    c = B2Cli(emu.url, tmp_path_factory.mktemp("b2cli-creds"))
    c.run("account", "authorize", emu.key_id, emu.key)
    return c


@pytest.fixture(scope="module")
def bucket(cli, tmp_path_factory) -> str:
    name = bucket_name("creds")
    cli.run("bucket", "create", name, "allPrivate")
    d = tmp_path_factory.mktemp("creds-files")
    cli.upload(name, write(d / "in", INSIDE_DATA), INSIDE)
    cli.upload(name, write(d / "out", b"outside\n"), OUTSIDE)
    return name


def create_key(cli: B2Cli, name: str, caps: str, *extra: str) -> Key:
    out = cli.run("key", "create", *extra, name, caps).stdout_text.split()
    assert len(out) == 2, out
    return Key(*out)


@pytest.fixture(scope="module")
def keys(cli, bucket) -> dict[str, Key]:
    """Distinct keys, one per place credentials can come from, so the key id shows which place won."""
    made = {n: create_key(cli, f"kit-{n}", FULL_CAPS) for n in ("default", "dev", "fallback", "json", "env", "flags")}
    made["restricted"] = create_key(
        cli, "kit-restricted", "listBuckets,listFiles,readFiles", "--bucket", bucket, "--name-prefix", "p/"
    )
    ids = {k.key_id for k in made.values()} | {cli.json("account", "get")["applicationKeyId"]}
    assert len(ids) == len(made) + 1, "key ids are not distinct"
    return made


@pytest.fixture(scope="module")
def all_secrets(emu, keys) -> tuple[str, ...]:
    """Every application key in play, and a long piece of each (to catch partial leaks)."""
    out = []
    for k in [emu.key, *(k.key for k in keys.values())]:
        assert len(k) >= 20, k
        out += [k, k[4:20]]
    return tuple(out)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("b2kit-creds-home")


@pytest.fixture(scope="module")
def base_env(emu, home) -> dict[str, str]:
    """No credentials at all; only the emulator's URL (B2_ENVIRONMENT), as the official CLI takes it."""
    env = scrubbed_environment(home)
    env["B2_ENVIRONMENT"] = emu.url
    return env


@pytest.fixture(scope="module")
def kit(base_env, home, all_secrets) -> B2Kit:
    return B2Kit(dict(base_env), home / "empty-cwd", secrets=all_secrets)


IO_CONFIG = """\
version: 0.1.1

default:
  B2_APPLICATION_KEY_ID: {default_id}
  B2_APPLICATION_KEY: "{default_key}"

dev:
  B2_APPLICATION_KEY_ID: "{{{{ env_var('DEV_KEY_ID') }}}}"
  B2_APPLICATION_KEY: {{{{ env_var("DEV_APPLICATION_KEY") }}}}

fallback:
  B2_APPLICATION_KEY_ID: "{{{{ env_var('FALLBACK_EMPTY') }}}}"
  B2_APPLICATION_KEY: "{{{{ env_var('FALLBACK_UNSET_VARIABLE') }}}}"
  AWS_ACCESS_KEY_ID: "{fallback_id}"
  AWS_SECRET_ACCESS_KEY: "{{{{ env_var('FALLBACK_UNSET_SECRET', '{fallback_key}') }}}}"

keyonly:
  B2_APPLICATION_KEY: "{default_key}"
"""


@pytest.fixture(scope="module")
def io_config(keys, home) -> Path:
    text = IO_CONFIG.format(
        default_id=keys["default"].key_id,
        default_key=keys["default"].key,
        fallback_id=keys["fallback"].key_id,
        fallback_key=keys["fallback"].key,
    )
    return write(home / "conf" / "io_config.yaml", text.encode())


@pytest.fixture(scope="module")
def credentials_json(keys, home) -> Path:
    k = keys["json"]
    return write(home / "conf" / "credentials.json",
                 json.dumps({"key_id": k.key_id, "application_key": k.key}).encode())


def check_account_and_ls(kit: B2Kit, bucket: str, key: Key, *args: str, env=None, cwd=None,
                         source: tuple[str, ...] = ()) -> dict:
    """`account --json`, `account` and `ls` with the given credential arguments; the key must be KEY."""
    acct = kit.json("account", "--json", *args, env=env, cwd=cwd)
    assert acct["keyId"] == key.key_id, f"expected key {key.key_id}, got {acct['keyId']} ({acct})"
    assert acct["apiUrl"].rstrip("/") == kit_url(env or kit.env)
    assert "writeFiles" in acct["capabilities"] and "writeFiles" not in acct["cannot"]
    sources = json.dumps(acct.get("credentialSources", {}))
    for word in source:
        assert word in sources, f"credential sources do not mention {word!r}: {sources}"

    text = kit.lines("account", *args, env=env, cwd=cwd)
    assert f"key id:       {key.key_id}" in text, text

    assert bucket in kit.lines("ls", *args, env=env, cwd=cwd)
    assert kit.lines("ls", "-r", f"b2://{bucket}", *args, env=env, cwd=cwd) == [INSIDE, OUTSIDE]
    assert kit.ok("cat", f"b2://{bucket}/{INSIDE}", *args, env=env, cwd=cwd).stdout == INSIDE_DATA
    return acct


def kit_url(env: dict) -> str:
    return env["B2_ENVIRONMENT"].rstrip("/")


# --- the three styles -------------------------------------------------------------------------


def test_io_config_profiles(kit, base_env, bucket, keys, io_config):
    cfg = ("--config", str(io_config))
    # default: selected without --profile, and by name.
    acct = check_account_and_ls(kit, bucket, keys["default"], *cfg,
                                source=("profile default", "B2_APPLICATION_KEY_ID"))
    assert acct["profile"] == "default"
    check_account_and_ls(kit, bucket, keys["default"], *cfg, "--profile", "default")

    # dev: key id and key come from {{ env_var(...) }}.
    env = dict(base_env, DEV_KEY_ID=keys["dev"].key_id, DEV_APPLICATION_KEY=keys["dev"].key)
    acct = check_account_and_ls(kit, bucket, keys["dev"], *cfg, "--profile", "dev", env=env,
                                source=("profile dev",))
    assert acct["profile"] == "dev"
    # Unset, the interpolation is absent: dev has no key id, and the message says which variable.
    env = dict(base_env, DEV_APPLICATION_KEY=keys["dev"].key)
    err = kit.fail((1, 2), "ls", *cfg, "--profile", "dev", env=env)
    assert "DEV_KEY_ID" in err, err

    # fallback: the B2_* interpolations are empty (one set to "", one unset), so AWS_* apply,
    # the secret through env_var's default.
    env = dict(base_env, FALLBACK_EMPTY="")
    acct = check_account_and_ls(kit, bucket, keys["fallback"], *cfg, "--profile", "fallback", env=env,
                                source=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))
    assert acct["profile"] == "fallback"
    # Whitespace-only counts as empty too.
    check_account_and_ls(kit, bucket, keys["fallback"], *cfg, "--profile", "fallback",
                         env=dict(base_env, FALLBACK_EMPTY="   "))
    # With the variables set, the B2_* settings win over AWS_*.
    env = dict(base_env, FALLBACK_EMPTY=keys["dev"].key_id, FALLBACK_UNSET_VARIABLE=keys["dev"].key)
    check_account_and_ls(kit, bucket, keys["dev"], *cfg, "--profile", "fallback", env=env)

    # An unknown profile is named, with the ones there are.
    err = kit.fail((1, 2), "ls", *cfg, "--profile", "nosuchprofile")
    assert "nosuchprofile" in err and "default" in err and "fallback" in err, err


def test_io_config_location(kit, base_env, bucket, keys, io_config, home):
    # B2KIT_CONFIG names the file.
    check_account_and_ls(kit, bucket, keys["default"], env=dict(base_env, B2KIT_CONFIG=str(io_config)))
    # ./io_config.yaml in the working directory.
    check_account_and_ls(kit, bucket, keys["fallback"], "--profile", "fallback",
                         env=dict(base_env, FALLBACK_EMPTY=""), cwd=io_config.parent)
    # --config beats B2KIT_CONFIG.
    other = write(home / "other" / "io_config.yaml",
                  f"default:\n  B2_APPLICATION_KEY_ID: {keys['flags'].key_id}\n"
                  f"  B2_APPLICATION_KEY: {keys['flags'].key}\n".encode())
    check_account_and_ls(kit, bucket, keys["flags"], "--config", str(other),
                         env=dict(base_env, B2KIT_CONFIG=str(io_config)))
    # A --config that does not exist is an error naming it, not a silent fall-through.
    missing = home / "nowhere" / "io_config.yaml"
    err = kit.fail((1, 2), "ls", "--config", str(missing))
    assert str(missing) in err, err


def test_credentials_json(kit, base_env, bucket, keys, credentials_json, home):
    check_account_and_ls(kit, bucket, keys["json"], "--credentials", str(credentials_json),
                         source=("credentials JSON",))
    # B2KIT_CREDENTIALS names it too.
    check_account_and_ls(kit, bucket, keys["json"], env=dict(base_env, B2KIT_CREDENTIALS=str(credentials_json)))
    # Malformed files are named, with the field at fault.
    bad = write(home / "conf" / "bad.json", json.dumps({"keyId": "x", "application_key": "y" * 30}).encode())
    err = kit.fail((1, 2), "ls", "--credentials", str(bad))
    assert str(bad) in err and "key_id" in err, err
    err = kit.fail((1, 2), "ls", "--credentials", str(home / "conf" / "absent.json"))
    assert "absent.json" in err, err


def test_environment_variables(kit, base_env, bucket, keys):
    env = dict(base_env, B2_APPLICATION_KEY_ID=keys["env"].key_id, B2_APPLICATION_KEY=keys["env"].key)
    check_account_and_ls(kit, bucket, keys["env"], env=env,
                         source=("B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY"))
    # A wrong key is refused with exit 1, naming the key id (never the key).
    env = dict(base_env, B2_APPLICATION_KEY_ID=keys["env"].key_id, B2_APPLICATION_KEY=keys["dev"].key)
    err = kit.fail(1, "ls", env=env)
    assert keys["env"].key_id in err, err


def test_precedence(kit, base_env, bucket, keys, io_config, credentials_json):
    everything = (
        "--config", str(io_config), "--credentials", str(credentials_json),
    )
    env = dict(base_env, B2_APPLICATION_KEY_ID=keys["env"].key_id, B2_APPLICATION_KEY=keys["env"].key)
    # flags > environment > profile > credentials JSON
    check_account_and_ls(kit, bucket, keys["flags"], *everything,
                         "--key-id", keys["flags"].key_id, "--key", keys["flags"].key, env=env)
    check_account_and_ls(kit, bucket, keys["env"], *everything, env=env)
    check_account_and_ls(kit, bucket, keys["default"], *everything)
    check_account_and_ls(kit, bucket, keys["json"], "--credentials", str(credentials_json))
    # Field by field: the key id from the environment, the key from the profile.
    acct = check_account_and_ls(kit, bucket, keys["default"], "--config", str(io_config), "--profile", "keyonly",
                                env=dict(base_env, B2_APPLICATION_KEY_ID=keys["default"].key_id))
    src = acct["credentialSources"]
    assert "B2_APPLICATION_KEY_ID" in src["keyId"] and "environment" in src["keyId"], src
    assert "keyonly" in src["applicationKey"], src


# --- a restricted key -------------------------------------------------------------------------


def test_restricted_key(kit, cli, base_env, bucket, keys, tmp_path):
    r = keys["restricted"]
    env = dict(base_env, B2_APPLICATION_KEY_ID=r.key_id, B2_APPLICATION_KEY=r.key)

    acct = kit.json("account", "--json", env=env)
    assert acct["keyId"] == r.key_id
    assert acct["allowedBuckets"] == [bucket], acct
    assert acct["namePrefix"] == "p/", acct
    assert sorted(acct["capabilities"]) == ["listBuckets", "listFiles", "readFiles"], acct
    for cap in ("writeFiles", "deleteFiles", "writeBuckets"):
        assert cap in acct["cannot"], acct
    for cap in ("listFiles", "readFiles"):
        assert cap not in acct["cannot"], acct

    text = kit.lines("account", env=env)
    assert f"buckets:      {bucket}" in text, text
    assert "name prefix:  p/" in text, text
    cannot = [l for l in text if l.startswith("cannot:")]
    assert len(cannot) == 1 and "writeFiles" in cannot[0], text

    # What it may do.
    assert kit.lines("ls", env=env) == [bucket]
    assert kit.lines("ls", "-r", f"b2://{bucket}/p/", env=env) == [INSIDE]
    assert kit.ok("cat", f"b2://{bucket}/{INSIDE}", env=env).stdout == INSIDE_DATA

    # Upload: refused, naming writeFiles; nothing written.
    src = write(tmp_path / "up.bin", payload(1000, 5))
    err = kit.fail(1, "cp", str(src), f"b2://{bucket}/p/new.bin", env=env)
    assert "writeFiles" in err, err
    err = kit.fail(1, "cp", "-v", str(src), f"b2://{bucket}/p/new.bin", env=env)
    assert "writeFiles" in err, err
    assert cli.lines("ls", "-r", f"b2://{bucket}") == [INSIDE, OUTSIDE]

    # Outside its prefix: refused with exit 1.
    kit.fail(1, "cat", f"b2://{bucket}/{OUTSIDE}", env=env)
    kit.fail(1, "ls", "-r", f"b2://{bucket}/q/", env=env)


# --- secrets ----------------------------------------------------------------------------------


def test_secrets_never_printed(kit, cli, emu, base_env, bucket, keys, io_config, credentials_json, tmp_path):
    """Every command, in every credential style, succeeding and failing, with and without -v:
    no application key (nor a long piece of one) in stdout or stderr. B2Kit.run checks each call."""
    distinctive = "K000" + "SeCrEtDiStInCtIvE" + secrets.token_hex(8)
    wrong = "K000" + "WrOnGkEyDiStInCtIvE" + secrets.token_hex(8)
    k = create_key(cli, "kit-secret-check", FULL_CAPS)
    # The emulator generated the key: use it, but make sure our distinctive strings are checked too.
    runner = B2Kit(dict(base_env), tmp_path / "cwd",
                   secrets=kit.secrets + (k.key, k.key[4:20], distinctive, wrong))

    conf = write(tmp_path / "io_config.yaml",
                 f"default:\n  B2_APPLICATION_KEY_ID: {k.key_id}\n  B2_APPLICATION_KEY: '{k.key}'\n".encode())
    cred = write(tmp_path / "cred.json", json.dumps({"key_id": k.key_id, "application_key": k.key}).encode())
    styles = {
        "flags": (["--key-id", k.key_id, "--key", k.key], {}),
        "env": ([], {"B2_APPLICATION_KEY_ID": k.key_id, "B2_APPLICATION_KEY": k.key}),
        "profile": (["--config", str(conf)], {}),
        "credentials": (["--credentials", str(cred)], {}),
    }
    src = write(tmp_path / "up.bin", payload(5000, 9))
    scratch = bucket_name("creds-secret")
    ran = 0
    for style, (flags, extra_env) in styles.items():
        env = dict(base_env, **extra_env)
        for verbose in ([], ["-v"]):
            f = [*flags, *verbose]

            def ok(*args):
                nonlocal ran
                ran += 1
                return runner.ok(*args, *f, env=env)

            def fail(code, *args):
                nonlocal ran
                ran += 1
                return runner.fail(code, *args, *f, env=env)

            ok("account")
            ok("account", "--json")
            ok("ls")
            ok("ls", "--json")
            ok("ls", "-r", "-l", f"b2://{bucket}")
            ok("ls", "-r", "--json", "--versions", f"b2://{bucket}")
            ok("mb", f"b2://{scratch}")
            ok("cp", str(src), f"b2://{scratch}/s/up.bin")
            ok("cp", "--json", str(src), f"b2://{scratch}/s/up2.bin")
            ok("cp", f"b2://{scratch}/s/up.bin", str(tmp_path / "down.bin"))
            assert (tmp_path / "down.bin").read_bytes() == src.read_bytes()
            ok("cp", f"b2://{scratch}/s/up.bin", f"b2://{scratch}/s/copy.bin")
            assert ok("cat", f"b2://{scratch}/s/copy.bin").stdout == src.read_bytes()
            ok("url", f"b2://{scratch}/s/up.bin")
            fail(1, "rb", f"b2://{scratch}")
            ok("rm", f"b2://{scratch}/s/up2.bin")
            ok("rm", "-r", "--versions", f"b2://{scratch}/s/")
            ok("rb", f"b2://{scratch}")
            fail(1, "ls", f"b2://{scratch}")
            fail(1, "cat", f"b2://{bucket}/no/such.txt")
            fail(1, "cp", str(tmp_path / "missing.bin"), f"b2://{bucket}/x")
            fail(2, "ls", "not-a-b2-path")

    # Failure paths where the secret itself is the problem, or sits next to it.
    def failing(code, *args, env_extra=None, cwd=None):
        nonlocal ran
        ran += 1
        for verbose in ([], ["-v"]):
            runner.fail(code, *args, *verbose, env=dict(base_env, **(env_extra or {})), cwd=cwd)

    failing(1, "ls", "--key-id", k.key_id, "--key", wrong)
    failing(1, "account", "--key-id", k.key_id, "--key", distinctive)
    failing(1, "ls", env_extra={"B2_APPLICATION_KEY_ID": k.key_id, "B2_APPLICATION_KEY": wrong})
    failing((1, 2), "ls", env_extra={"B2_APPLICATION_KEY": distinctive})  # a key without a key id
    failing((1, 2), "ls", "--key", distinctive)
    r = keys["restricted"]
    failing(1, "cp", str(src), f"b2://{bucket}/p/nope.bin",
            env_extra={"B2_APPLICATION_KEY_ID": r.key_id, "B2_APPLICATION_KEY": r.key})
    failing(1, "cat", f"b2://{bucket}/{OUTSIDE}",
            env_extra={"B2_APPLICATION_KEY_ID": r.key_id, "B2_APPLICATION_KEY": r.key})

    broken_files = {
        "broken-yaml.yaml": f"default:\n  B2_APPLICATION_KEY_ID: {k.key_id}\n  B2_APPLICATION_KEY: \"{distinctive}\n"
                            f"  other: [unclosed, {distinctive}\n",
        "nested.yaml": f"default:\n  B2_APPLICATION_KEY_ID: {k.key_id}\n"
                       f"  B2_APPLICATION_KEY:\n    value: {distinctive}\n",
        "template.yaml": f"default:\n  B2_APPLICATION_KEY_ID: {k.key_id}\n"
                         f"  B2_APPLICATION_KEY: \"{{{{ mage_secret_var('{distinctive}') }}}}\"\n",
        "not-profiles.yaml": f"- {distinctive}\n- {wrong}\n",
    }
    for fname, text in broken_files.items():
        p = write(tmp_path / fname, text.encode())
        failing((1, 2), "ls", "--config", str(p))
    for fname, text in {
        "trailing-comma.json": f'{{"key_id": "{k.key_id}", "application_key": "{distinctive}",}}',
        "wrong-field.json": json.dumps({"keyId": k.key_id, "application_key": distinctive}),
        "not-string.json": json.dumps({"key_id": k.key_id, "application_key": [distinctive]}),
        "array.json": json.dumps([distinctive]),
    }.items():
        p = write(tmp_path / fname, text.encode())
        failing((1, 2), "ls", "--credentials", str(p))
    assert ran > 150, ran
