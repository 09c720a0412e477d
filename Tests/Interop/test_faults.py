"""b2sdk's retry paths against `b2kit serve --faults`: transfers stay byte-identical under injected faults."""

from __future__ import annotations

import io

import pytest
from b2sdk.v2 import B2Api, InMemoryAccountInfo

from helpers import bucket_name, payload, sha1_hex

FAULTS = (
    "seed=5;retry-after=0;"
    "503:0.15@b2_upload_file+b2_upload_part+b2_list_file_names;"
    "429:0.3@b2_get_upload_url+b2_get_upload_part_url;"
    "500:0.3@b2_list_unfinished_large_files+b2_start_large_file+b2_finish_large_file+b2_create_bucket;"
    "expired:0.15@download+b2_get_upload_url;"
    "truncate:0.2@download;"
    "drop:0.05@b2_get_file_info"
)


@pytest.fixture(scope="module")
def faulty(emulator_factory):
    return emulator_factory("--faults", FAULTS, "--recommended-part-size", "5000000")


def test_transfers_survive_injected_faults(faulty):
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(faulty.url, faulty.key_id, faulty.key)
    bucket = api.create_bucket(bucket_name("faults"), "allPrivate")
    blobs = {f"f/{i}.bin": payload(20_000 + i, seed=i) for i in range(15)}
    blobs["f/large.bin"] = payload(11_000_000, seed=99)
    for name, data in blobs.items():
        bucket.upload_bytes(data, name)
    listed = {fv.file_name: fv.size for fv, _ in bucket.ls(recursive=True)}
    assert listed == {name: len(data) for name, data in blobs.items()}
    for name, data in blobs.items():
        buf = io.BytesIO()
        bucket.download_file_by_name(name).save(buf)
        assert sha1_hex(buf.getvalue()) == sha1_hex(data), name
    # The faults really fired (the server logs each one), so the clients' retries were exercised.
    stderr = faulty.stderr_text()
    for kind in ("503", "429", "500", "expired", "truncate"):
        assert f"b2.fault={kind}" in stderr, f"no {kind} fault was injected:\n{stderr[-3000:]}"
