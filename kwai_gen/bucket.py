"""Publish the live release to an S3-compatible bucket, for a CDN to serve.

    python -m kwai_gen.bucket SITE_DIR s3://bucket/prefix

A bucket cannot choose an encoding per request, so each text file is stored once, as its gzip
form under its own name with `Content-Encoding: gzip` (every browser accepts it); other files
are stored as they are. Each object gets the Content-Type of its name and the Cache-Control of
`kwai_gen.serving`. An object is uploaded only when its bytes differ from the bucket's (the
ETag of a single-part upload is the MD5 of its bytes), so an edit sends only what changed.

The order keeps the bucket a consistent site at every moment, even when the upload stops half
way: first the assets, then the pages that may point at them, and the deletions last, once no
new page points at what goes. Rerunning completes what a failed run left.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kwai_gen.serving import (
    GZIP_SUFFIX,
    PAGE_SUFFIXES,
    cache_control,
    content_type,
    gzipped,
    is_gzip_form,
    is_text,
)

UPLOADS_AT_ONCE = 8
DELETES_PER_REQUEST = 1000  # the most S3 takes in one DeleteObjects


@dataclass(frozen=True)
class Upload:
    """One file of the release as the bucket stores it."""

    path: str  # relative to the site's root, "/" separated
    body: bytes
    encoding: str | None  # Content-Encoding

    @property
    def md5(self) -> str:
        """The MD5 of the body, as S3 gives it in the ETag of a single-part upload."""
        return hashlib.md5(self.body, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What a publish changed in the bucket."""

    uploaded: list[str]
    unchanged: int
    deleted: list[str]


def split_target(target: str) -> tuple[str, str]:
    """The bucket and the key prefix ("" or ending in "/") of `s3://bucket/prefix`."""
    if not target.startswith("s3://") or not target[5:].split("/", 1)[0]:
        raise ValueError(f"not an s3://bucket/prefix address: {target}")
    bucket, _, prefix = target[5:].partition("/")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def release_files(site: Path) -> Iterator[str]:
    """The files of a release, relative to it, without the gzip forms that follow them."""
    for directory, _, names in os.walk(site):
        relative = os.path.relpath(directory, site).replace(os.sep, "/")
        for name in sorted(names):
            path = name if relative == "." else f"{relative}/{name}"
            if not is_gzip_form(path):
                yield path


def stored(site: Path, path: str) -> Upload:
    """The bytes the bucket keeps for the file at `path`: the gzip form of text."""
    if not is_text(path):
        return Upload(path, (site / path).read_bytes(), None)
    try:
        body = (site / f"{path}{GZIP_SUFFIX}").read_bytes()
    except FileNotFoundError:  # a release built before files had a gzip form
        body = gzipped((site / path).read_bytes())
    return Upload(path, body, "gzip")


def publish(client: Any, site: Path, target: str, say: Callable[[str], None] = print) -> Outcome:
    """Make the bucket hold the release at `site`: assets, then pages, then deletions."""
    bucket, prefix = split_target(target)
    site = site.resolve()  # one release, even if `current` switches meanwhile
    in_bucket = _etags(client, bucket, prefix)
    files = list(release_files(site))
    assets = [path for path in files if not path.endswith(PAGE_SUFFIXES)]
    pages = [path for path in files if path.endswith(PAGE_SUFFIXES)]
    uploaded: list[str] = []
    with ThreadPoolExecutor(UPLOADS_AT_ONCE) as pool:
        for group in (assets, pages):
            differs = pool.map(
                lambda path: stored(site, path).md5 != in_bucket.get(prefix + path), group
            )
            changed = [path for path, different in zip(group, differs, strict=True) if different]
            for path in pool.map(
                lambda path: _put(client, bucket, prefix, stored(site, path)), changed
            ):
                say(f"upload: {prefix}{path}")
                uploaded.append(path)
    gone = sorted(set(in_bucket) - {prefix + path for path in files})
    for start in range(0, len(gone), DELETES_PER_REQUEST):
        batch = gone[start : start + DELETES_PER_REQUEST]
        client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        for key in batch:
            say(f"delete: {key}")
    return Outcome(uploaded, len(files) - len(uploaded), gone)


def _etags(client: Any, bucket: str, prefix: str) -> dict[str, str]:
    """Each key below `prefix` and the MD5 its ETag names."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = item["ETag"].strip('"')
    return found


def _put(client: Any, bucket: str, prefix: str, upload: Upload) -> str:
    extra = {"ContentEncoding": upload.encoding} if upload.encoding else {}
    client.put_object(
        Bucket=bucket,
        Key=prefix + upload.path,
        Body=upload.body,
        ContentType=content_type(upload.path),
        CacheControl=cache_control(upload.path, versioned=True),
        **extra,
    )
    return upload.path


def main(argv: list[str]) -> int:
    """Publish SITE_DIR to s3://bucket/prefix; the endpoint and keys come from AWS_* variables."""
    if len(argv) != 2:
        print("usage: python -m kwai_gen.bucket SITE_DIR s3://bucket/prefix", file=sys.stderr)
        return 2
    try:
        import boto3  # only publishing to a bucket needs it: `pip install 'kwai[s3]'`
    except ImportError:
        print("publish: boto3 is needed for s3:// (pip install 'kwai[s3]')", file=sys.stderr)
        return 1
    site, target = Path(argv[0]), argv[1]
    try:
        outcome = publish(boto3.client("s3"), site, target)
    except Exception as error:  # one line, as every kwai command fails
        print(f"publish: {target}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(
        f"published {site} to {target}: {len(outcome.uploaded)} uploaded, "
        f"{outcome.unchanged} unchanged, {len(outcome.deleted)} deleted"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
