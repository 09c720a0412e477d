#!/usr/bin/env python3
"""Generates SigV4 known-answer vectors with botocore's own S3 signer.

Writes Tests/B2SigV4Tests/Resources/botocore-vectors.json. The Swift tests read that file and need no Python:
each vector gives the decoded inputs (method, host, key path, query, headers, payload) and what botocore produced
(canonical request, string to sign, Authorization header or presigned query). Rerun after upgrading botocore:

    python3 scripts/sigv4-vectors.py

The keys and secrets below are made up; the time is fixed so the output is reproducible.
"""
import datetime
import json
import os
import sys
from unittest import mock
from urllib.parse import quote

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

FIXED = datetime.datetime(2024, 3, 9, 16, 5, 42, tzinfo=datetime.timezone.utc)
KEY_ID = "0045f0f0c0ffee0000000003"
SECRET = "K004abcdefghijklmnopqrstuvwxyz0123"

# (name, method, host, region, path (decoded), query [(name, value)] decoded, headers [(name, value)], payload)
# payload: None = unsigned, or the body as text (signed with its SHA-256).
CASES = [
    ("get-plain", "GET", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/file.txt", [], [], None),
    ("put-signed-body", "PUT", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/hello.txt", [],
     [("Content-Type", "text/plain"), ("Content-Length", "13")], "Hello, world!"),
    ("key-with-spaces", "GET", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/my photos/summer 2024.jpg",
     [], [], None),
    ("key-unicode", "GET", "s3.eu-central-003.backblazeb2.com", "eu-central-003", "/bucket/日本/café ü.txt", [], [],
     None),
    ("key-reserved-marks", "PUT", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/a~b+c=d&e!f'g(h)*i,j;k:l@m$n",
     [], [], ""),
    ("key-percent-and-question", "GET", "localhost:9000", "us-west-004", "/bucket/100%/what?#frag", [], [], None),
    ("key-double-slash-and-dots", "GET", "localhost:9000", "us-west-004", "/bucket//a/./b/../c", [], [], None),
    ("list-v2-query", "GET", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket",
     [("list-type", "2"), ("prefix", "photos/2024 summer/"), ("delimiter", "/"),
      ("continuation-token", "1/abc+def=="), ("max-keys", "1000")], [], ""),
    ("empty-query-values", "POST", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/big.bin",
     [("uploads", "")], [("Content-Type", "application/octet-stream")], ""),
    ("delete-objects", "POST", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket", [("delete", "")],
     [("Content-MD5", "1B2M2Y8AsgTpgAmYEuS/Ig==")], ""),
    ("repeated-headers-and-spaces", "GET", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/x",
     [("tagging", ""), ("versionId", "4_z27c88f1d182b150646ff0b16_f1004ba650fe24e6b_d20180809_m012201_c100_v0009990_t0000")],
     [("X-Amz-Meta-Tag", "  first   value "), ("x-amz-meta-tag", "second"), ("Range", "bytes=0-99")], None),
    ("copy-source-header", "PUT", "s3.us-west-004.backblazeb2.com", "us-west-004", "/dest/copy of é.txt", [],
     [("x-amz-copy-source", "/src/" + quote("orig é+.txt", safe="/~")), ("x-amz-metadata-directive", "COPY")], ""),
    ("upload-part", "PUT", "127.0.0.1:53421", "us-east-1", "/bucket/part file", [("partNumber", "3"),
     ("uploadId", "2~abc/def+ghi=")], [("Content-Length", "5")], "parts"),
    ("root-list-buckets", "GET", "s3.us-west-004.backblazeb2.com", "us-west-004", "/", [], [], ""),
]

# (name, host, region, path, query, expires)
PRESIGN_CASES = [
    ("presign-get", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/report.csv", [], 3600),
    ("presign-unicode-key", "s3.us-west-004.backblazeb2.com", "us-west-004", "/bucket/dir/ñandú ~+=.txt", [], 600),
    ("presign-with-query", "localhost:9000", "us-west-004", "/bucket/a b",
     [("response-content-disposition", 'attachment; filename="a b.txt"'), ("versionId", "")], 604800),
]


def encode_query(pairs):
    return "&".join(quote(n, safe="-_.~") + "=" + quote(v, safe="-_.~") for n, v in pairs)


def build(method, host, path, query, headers, body, presign=False):
    url = "http://" + host + quote(path, safe="/~")
    if query:
        url += "?" + encode_query(query)
    request = AWSRequest(method=method, url=url, data=(body or "").encode("utf-8"))
    for name, value in headers:
        request.headers.add_header(name, value)  # keeps repeated names, as a real request would
    request.context["client_config"] = Config(s3={"payload_signing_enabled": body is not None})
    if not presign:
        request.headers["Host"] = host
    return request


def record(signer):
    """Wraps the signer's stage functions to keep what add_auth computed (botocore's own code, called as is)."""
    seen = {}
    canonical, to_sign = signer.canonical_request, signer.string_to_sign

    def canonical_request(request):
        seen["canonical"] = canonical(request)
        return seen["canonical"]

    def string_to_sign(request, canonical_text):
        seen["stringToSign"] = to_sign(request, canonical_text)
        return seen["stringToSign"]

    signer.canonical_request, signer.string_to_sign = canonical_request, string_to_sign
    return seen


def main():
    out = {
        "generator": "scripts/sigv4-vectors.py",
        "botocore": botocore.__version__,
        "date": FIXED.strftime("%Y%m%dT%H%M%SZ"),
        "accessKeyId": KEY_ID,
        "secretAccessKey": SECRET,
        "headerSigned": [],
        "presigned": [],
    }
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=FIXED.replace(tzinfo=None)):
        creds = Credentials(KEY_ID, SECRET)
        for name, method, host, region, path, query, headers, body in CASES:
            request = build(method, host, path, query, headers, body)
            signer = botocore.auth.S3SigV4Auth(creds, "s3", region)
            seen = record(signer)
            signer.add_auth(request)
            out["headerSigned"].append({
                "name": name, "method": method, "host": host, "region": region, "path": path,
                "query": [[n, v] for n, v in query], "headers": [[n, v] for n, v in headers],
                "body": body, "canonicalRequest": seen["canonical"], "stringToSign": seen["stringToSign"],
                "authorization": request.headers["Authorization"],
                "contentSha256": request.headers["X-Amz-Content-SHA256"],
                "requestURL": request.url,
            })
        for name, host, region, path, query, expires in PRESIGN_CASES:
            request = build("GET", host, path, query, [], None, presign=True)
            signer = botocore.auth.S3SigV4QueryAuth(creds, "s3", region, expires=expires)
            seen = record(signer)
            signer.add_auth(request)
            query_string = request.url.split("?", 1)[1]
            out["presigned"].append({
                "name": name, "host": host, "region": region, "path": path,
                "query": [[n, v] for n, v in query], "expires": expires,
                "url": request.url, "canonicalRequest": seen["canonical"], "signature": query_string.split("X-Amz-Signature=")[1],
            })
    target = os.path.join(os.path.dirname(__file__), "..", "Tests", "B2SigV4Tests", "Resources",
                          "botocore-vectors.json")
    with open(target, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out['headerSigned'])} header and {len(out['presigned'])} presigned vectors", file=sys.stderr)


if __name__ == "__main__":
    main()
