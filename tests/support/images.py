"""Pictures made with Pillow for the tests: a phone photo carries EXIF with a GPS position."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

GPS: dict[int, Any] = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (51.0, 3.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (3.0, 43.0, 7.25),
}


def photo(
    width: int = 2000,
    height: int = 1500,
    format: str = "JPEG",
    orientation: int = 1,
    mode: str = "RGB",
) -> bytes:
    """A picture as a phone writes it: EXIF with the camera, the orientation and where it was."""
    picture = Image.new(mode, (width, height), (200, 40, 40, 128)[: len(mode)])
    for x in range(0, width, 50):  # some detail, so that sizes differ in content
        picture.paste((20, 90, 180, 255)[: len(mode)], (x, 0, x + 20, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone Maker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    output = io.BytesIO()
    options = {"exif": exif.tobytes()} if format in {"JPEG", "WEBP", "PNG", "HEIF"} else {}
    if format == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    picture.save(output, format=format, **options)
    return output.getvalue()


def has_metadata(path: Path | bytes) -> list[str]:
    """What metadata a picture file still carries (EXIF, GPS, XMP, comments, profiles)."""
    with Image.open(path if isinstance(path, Path) else io.BytesIO(path)) as picture:
        found = [
            key
            for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp")
            if picture.info.get(key)
        ]
        exif = picture.getexif()
        if len(exif):
            found.append(f"EXIF tags {sorted(exif)}")
        if exif.get_ifd(ExifTags.IFD.GPSInfo):
            found.append("GPS")
        return found
