"""The bucket publisher's parts that need no server: addresses and what a release sends."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kwai_gen.bucket import release_files, split_target, stored


@pytest.mark.parametrize(
    ("target", "bucket", "prefix"),
    [
        ("s3://club", "club", ""),
        ("s3://club/", "club", ""),
        ("s3://club/www", "club", "www/"),
        ("s3://club/www/site/", "club", "www/site/"),
    ],
)
def test_a_target_names_a_bucket_and_a_prefix(target: str, bucket: str, prefix: str) -> None:
    assert split_target(target) == (bucket, prefix)


@pytest.mark.parametrize("target", ["club/www", "s3://", "s3:///www", "/var/www"])
def test_a_target_that_is_no_bucket_is_refused(target: str) -> None:
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        split_target(target)


def test_text_is_stored_as_its_gzip_form_and_binary_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "index.html").write_text("<p>hallo</p>")
    (tmp_path / "index.html.gz").write_bytes(gzip.compress(b"<p>hallo</p>", mtime=0))
    (tmp_path / "news" / "feed.xml").write_text("<feed/>")  # no gzip form: an older release
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "archive.tar.gz").write_bytes(b"\x1f\x8b")  # a file of its own, not a form
    assert sorted(release_files(tmp_path)) == [
        "archive.tar.gz",
        "index.html",
        "logo.png",
        "news/feed.xml",
    ]
    page = stored(tmp_path, "index.html")
    assert page.encoding == "gzip" and page.body == (tmp_path / "index.html.gz").read_bytes()
    feed = stored(tmp_path, "news/feed.xml")
    assert feed.encoding == "gzip" and gzip.decompress(feed.body) == b"<feed/>"
    logo = stored(tmp_path, "logo.png")
    assert logo.encoding is None and logo.body == b"\x89PNG"
