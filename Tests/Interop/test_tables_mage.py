"""A Mage-style Parquet round trip against the emulator: `b2kit table convert` exports a table to
`b2://BUCKET/x.parquet`; a pipeline reads it as Mage does, with boto3 on the emulator's S3 API and pandas on the
downloaded bytes, and gets the same frame. The reverse too: pandas writes Parquet through boto3, b2kit loads it.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import yaml

from helpers import bucket_name, write
from s3_helpers import ALL_FILE_CAPS, Key, Native, s3_client
from test_b2kit_cli import B2Kit, scrubbed_environment
from test_s3_mage import IO_CONFIG
from test_tables_interop import expected_records, frame


def test_parquet_export_read_by_pandas_through_s3_and_back(fresh_emulator, tmp_path):
    native = Native(fresh_emulator.url, fresh_emulator.key_id, fresh_emulator.key)
    made = native.create_key("mage-tables", ALL_FILE_CAPS)
    config = write(tmp_path / "mage" / "io_config.yaml",
                   IO_CONFIG.format(key_id=made.key_id, key=made.key).encode())
    env = scrubbed_environment(tmp_path / "home")
    env["B2_ENVIRONMENT"] = fresh_emulator.url
    kit = B2Kit(env, tmp_path / "cwd", secrets=(made.key, fresh_emulator.key))
    profile = yaml.safe_load(config.read_text())["default"]
    s3 = s3_client(fresh_emulator.url, Key(profile["B2_APPLICATION_KEY_ID"], profile["B2_APPLICATION_KEY"]))
    bucket = bucket_name("tables")
    assert kit.run("--config", str(config), "mb", f"b2://{bucket}").returncode == 0

    df = frame()
    source = tmp_path / "source.csv"
    df.to_csv(source, index=False)
    # Dates in a CSV are text to pandas' reader (and to b2kit's); compare the frame as the CSV reads back.
    expected = pd.read_csv(source)
    exported = kit.run("--config", str(config), "table", "convert", str(source), f"b2://{bucket}/out/x.parquet")
    assert exported.returncode == 0, exported.stderr_text

    body = s3.get_object(Bucket=bucket, Key="out/x.parquet")["Body"].read()
    assert body[:4] == b"PAR1" and body[-4:] == b"PAR1"
    back = pd.read_parquet(io.BytesIO(body))
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)

    # The reverse: pandas writes Parquet and puts it with boto3; b2kit loads it from b2:// equal.
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    s3.put_object(Bucket=bucket, Key="in/y.parquet", Body=buffer.getvalue())
    shown = kit.run("--config", str(config), "table", "show", f"b2://{bucket}/in/y.parquet", "--head", "1000",
                    "--json")
    assert shown.returncode == 0, shown.stderr_text
    records = [json.loads(line) for line in shown.stdout.decode().splitlines()]
    assert records == expected_records(df)
