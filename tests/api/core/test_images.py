"""The image store: widths never upscaled, backups that hold the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from kwai_api.core.database import Database, DatabaseError, open_database
from kwai_api.core.images import ImageStore, backup, widths
from tests.support.images import photo


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (4000, [480, 960, 1600]),
        (1600, [480, 960, 1600]),
        (1200, [480, 960, 1200]),
        (480, [480]),
        (90, [90]),
    ],
)
def test_widths_are_never_wider_than_the_upload(original: int, expected: list[int]) -> None:
    assert widths(original) == expected


def test_a_backup_copies_the_store_beside_the_database(tmp_path: Path, empty_db: Database) -> None:
    store = ImageStore(tmp_path / "images")
    stored = store.store(photo(700, 500))

    written = backup(empty_db, store, tmp_path / "backups" / "club.duckdb")

    assert written == tmp_path / "backups" / "club.images"
    for size in stored.sizes:
        assert (written / "sizes" / size.file).read_bytes() == store.sized(size.file).read_bytes()
    assert (written / "originals" / stored.original).exists()
    copy = open_database(tmp_path / "backups" / "club.duckdb")
    assert copy.fetchvalue("SELECT count(*) FROM images") == 0
    copy.close()
    (tmp_path / "backups" / "club.duckdb").unlink()
    with pytest.raises(DatabaseError, match="club.images exists"):
        backup(empty_db, store, tmp_path / "backups" / "club.duckdb")
