"""Receipts: what a delivered act's receipt may be (read from its first bytes, not its
name), and how large."""

from django.conf import settings

from core import errors

RECEIPT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


RECEIPT_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}


def receipt_content_type(upload) -> str:
    """The receipt's type read from its first bytes, or InvalidInput if it is not one we take."""
    if upload.size > settings.SECONDMILE["RECEIPT_MAX_BYTES"]:
        raise errors.InvalidInput(errors.MSG_RECEIPT_TOO_LARGE, field="receipt")
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    for magic, content_type in RECEIPT_TYPES.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise errors.InvalidInput("A receipt is an image (PNG, JPEG, GIF, WebP) or a PDF.", field="receipt")
