"""Helpers for the S3 interop tests: native calls to make buckets and keys, and boto3 clients."""

from __future__ import annotations

import base64
import dataclasses

import boto3
import requests
from botocore.config import Config

REGION = "us-west-004"


@dataclasses.dataclass
class Key:
    key_id: str
    key: str


class Native:
    """The emulator's native API, authorized with the master key."""

    def __init__(self, url: str, key_id: str, key: str):
        basic = base64.b64encode(f"{key_id}:{key}".encode()).decode()
        reply = requests.get(f"{url}/b2api/v4/b2_authorize_account", headers={"Authorization": f"Basic {basic}"})
        reply.raise_for_status()
        self.account = reply.json()
        self.url = url
        self.token = self.account["authorizationToken"]

    def call(self, name: str, **body) -> dict:
        body.setdefault("accountId", self.account["accountId"])
        reply = requests.post(f"{self.url}/b2api/v4/{name}", json=body, headers={"Authorization": self.token})
        assert reply.status_code == 200, f"{name}: {reply.status_code} {reply.text}"
        return reply.json()

    def bucket_id(self, name: str) -> str:
        return self.call("b2_list_buckets", bucketName=name)["buckets"][0]["bucketId"]

    def create_key(self, name: str, capabilities: list[str], bucket: str | None = None,
                   name_prefix: str | None = None) -> Key:
        body = {"keyName": name, "capabilities": capabilities}
        if bucket:
            body["bucketIds"] = [self.bucket_id(bucket)]
        if name_prefix is not None:
            body["namePrefix"] = name_prefix
        made = self.call("b2_create_key", **body)
        return Key(made["applicationKeyId"], made["applicationKey"])

    def download(self, bucket: str, name: str) -> requests.Response:
        return requests.get(f"{self.url}/file/{bucket}/{name}", headers={"Authorization": self.token})


ALL_FILE_CAPS = [
    "listBuckets", "listAllBucketNames", "readBuckets", "writeBuckets", "deleteBuckets",
    "listFiles", "readFiles", "writeFiles", "deleteFiles", "shareFiles",
]


def s3_client(url: str, key: Key, region: str = REGION, **config):
    """A boto3 S3 client as Mage and most tools make one: endpoint, key id, secret, region."""
    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id=key.key_id,
        aws_secret_access_key=key.key,
        region_name=region,
        config=Config(retries={"max_attempts": 1}, **config),
    )


def error_of(excinfo) -> tuple[int, str, str]:
    """(HTTP status, S3 Code, Message) of a botocore ClientError."""
    response = excinfo.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"].get("Code", ""),
        response["Error"].get("Message", ""),
    )
