"""Uploaded images: decoded with Pillow, turned upright, stripped of all metadata and resized.

Club photos show children and phones write the place a photo was taken into it, so nothing of an
upload's metadata (EXIF, GPS, XMP, comments, colour profiles) survives: every stored file is
encoded again from the pixels alone. The store (setting [images] path) holds

  originals/<digest>.<ext>     the upload at full size, without its metadata
  sizes/<digest>-<width>.webp  the widths the site publishes, named by a digest of their content

Files never change once written (their names say what they hold), so the site can link them into
every release and browsers may keep them for a year.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from kwai_api.core.database import Database, DatabaseError, Transaction
from kwai_api.core.errors import ApiError

WIDTHS = (480, 960, 1600)  # the widths published for `srcset`; never wider than the upload
PUBLIC_DIR = "images/u"  # where the site publishes the sized files
MAX_PIXELS = 60_000_000  # a larger picture is refused: decoding it would take too much memory
QUALITY = 82
# Pillow's format name -> the upload's media type and the original's stored format
FORMATS = {
    "JPEG": ("image/jpeg", "JPEG", "jpg"),
    "PNG": ("image/png", "PNG", "png"),
    "WEBP": ("image/webp", "WEBP", "webp"),
    "HEIF": ("image/heic", "JPEG", "jpg"),
}
ACCEPTED = "JPEG, PNG, WebP or HEIC"


@dataclass(frozen=True)
class Size:
    """One published width of an image."""

    width: int
    height: int
    file: str  # its name under sizes/ and under the site's /images/u/
    bytes: int


@dataclass(frozen=True)
class Stored:
    """An upload as the store keeps it: the original without metadata and its sizes."""

    original: str
    content_type: str
    width: int
    height: int
    bytes: int
    sizes: tuple[Size, ...]


def public_url(file: str) -> str:
    """The site-absolute URL of a sized file."""
    return f"/{PUBLIC_DIR}/{file}"


class ImageStore:
    """The directory of originals and sized files; the database holds what they are."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.originals = self.root / "originals"
        self.sizes = self.root / "sizes"

    def sized(self, file: str) -> Path:
        """The path of a sized file."""
        return self.sizes / file

    def store(self, data: bytes) -> Stored:
        """Decode an upload, write its metadata-free original and sizes; 415/422 if unreadable.

        Slow (a large photo takes a second): call it outside the database's write lock.
        """
        picture, kind = _decode(data)
        content_type, original_format, extension = FORMATS[kind]
        original = _encoded(picture, original_format, quality=95)
        original_name = f"{_digest(original)}.{extension}"
        _write_once(self.originals / original_name, original)
        sizes = []
        for width in widths(picture.width):
            height = max(1, round(picture.height * width / picture.width))
            resized = (
                picture
                if width == picture.width
                else picture.resize((width, height), Image.Resampling.LANCZOS)
            )
            content = _encoded(resized, "WEBP", quality=QUALITY)
            file = f"{_digest(content)}-{width}.webp"
            _write_once(self.sized(file), content)
            sizes.append(Size(width, height, file, len(content)))
        return Stored(
            original_name, content_type, picture.width, picture.height, len(data), tuple(sizes)
        )

    def remove_unused(self, tx: Transaction, original: str, sizes: list[str]) -> None:
        """Remove the files of a deleted image that no other image shares (same upload twice)."""
        if tx.fetchone("SELECT 1 FROM images WHERE original = ?", [original]) is None:
            (self.originals / original).unlink(missing_ok=True)
        for name in sizes:
            if tx.fetchone("SELECT 1 FROM image_sizes WHERE file = ?", [name]) is None:
                self.sized(name).unlink(missing_ok=True)

    def copy_to(self, target: Path) -> None:
        """Copy every file of the store into a new directory `target` (a backup)."""
        if target.exists():
            raise FileExistsError(f"{target} exists already; choose a new name")
        target.mkdir(parents=True)
        for folder in (self.originals, self.sizes):
            if folder.is_dir():
                shutil.copytree(folder, target / folder.name)


def images_beside(target: Path) -> Path:
    """Where a backup of the database at `target` keeps the image store: club.images/ beside
    club.duckdb."""
    return target.with_name(f"{target.stem}.images")


def backup(db: Database, store: ImageStore, target: Path) -> Path:
    """Copy the database to `target` and the image store beside it, consistently; the latter's
    directory. Neither may exist yet."""
    images = images_beside(target)
    if images.exists():
        raise DatabaseError(f"{images} exists already; choose a new name")
    db.backup(target, also=lambda: store.copy_to(images))
    return images


def widths(original: int) -> list[int]:
    """The published widths of an image `original` pixels wide: never upscaled."""
    widest = min(original, WIDTHS[-1])
    return [*(width for width in WIDTHS if width < widest), widest]


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """The upright pixels of an upload and its format, or a 4xx that says why not."""
    _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            kind = picture.format or ""
            if kind not in FORMATS:
                raise ApiError(
                    415, f"send a {ACCEPTED} image, not {kind or 'this file'}", pointer="/file"
                )
            if picture.width * picture.height > MAX_PIXELS:
                raise ApiError(
                    422, f"the image has more than {MAX_PIXELS:,} pixels", pointer="/file"
                )
            picture.seek(0)  # the first frame of an animation
            upright = ImageOps.exif_transpose(picture)
            upright.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApiError(415, f"the file is not a {ACCEPTED} image", pointer="/file") from None
    except (OSError, ValueError, SyntaxError) as error:  # truncated or corrupt data
        raise ApiError(422, f"the image could not be read: {error}", pointer="/file") from None
    has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
    return upright.convert("RGBA" if has_alpha else "RGB"), kind


def _encoded(picture: Image.Image, format: str, quality: int) -> bytes:
    """The pixels encoded in `format` with no metadata at all."""
    if format == "JPEG" and picture.mode != "RGB":
        picture = picture.convert("RGB")
    output = io.BytesIO()
    options: dict[str, Any] = {"quality": quality} if format != "PNG" else {"optimize": True}
    picture.save(output, format=format, **options)
    return output.getvalue()


def _digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=10).hexdigest()


def _write_once(path: Path, content: bytes) -> None:
    """Write a file under its digest name unless it exists (then it holds the same bytes)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(content)
    os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep a web server from reading a copy
    os.replace(temporary, path)


_heif_registered = False


def _register_heif() -> None:
    """Teach Pillow to read HEIC (iPhone photos), once, when the first upload comes."""
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def check_image(tx: Transaction, image_id: int | None, pointer: str) -> None:
    """422 when a relationship names an image that does not exist."""
    if (
        image_id is not None
        and tx.fetchone("SELECT 1 FROM images WHERE id = ?", [image_id]) is None
    ):
        raise ApiError(422, f"there is no image {image_id}", pointer=pointer)


def uses(tx: Transaction, image_id: int) -> list[str]:
    """What shows an image ("news_items 3", "coaches 2"...): lead and hero images, portraits,
    embeds."""
    pattern = f"image:{image_id}([^0-9]|$)"
    embeds = " UNION ALL ".join(
        f"SELECT '{kind}', {owner} FROM {table} WHERE regexp_matches(summary || ' ' || content, ?)"
        for kind, table, owner in (
            ("news_items", "news_story_texts", "story_id"),
            ("pages", "page_texts", "page_id"),
            ("trainings", "training_texts", "training_id"),
        )
    )
    rows = tx.tuples(
        "SELECT DISTINCT * FROM ("
        " SELECT 'news_items' AS kind, id FROM news_stories WHERE image_id = ?"
        " UNION ALL SELECT 'pages', id FROM pages WHERE image_id = ?"
        " UNION ALL SELECT 'applications', id FROM applications WHERE image_id = ?"
        f" UNION ALL SELECT 'coaches', id FROM coaches WHERE photo_id = ? UNION ALL {embeds})"
        " ORDER BY 1, 2",
        [image_id, image_id, image_id, image_id, pattern, pattern, pattern],
    )
    return [f"{kind} {owner}" for kind, owner in rows]
