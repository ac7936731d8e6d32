"""The share box's QR code: the link as a picture a class can scan from the projector.

segno (pure Python, no dependencies) draws it; error correction level M survives a washed-out
projector or a phone held at an angle. A link too long for any QR code gets none (the box says so).
"""

from __future__ import annotations

import io

import segno

# Pixels per QR module: at 6, a typical link's code is about 250 px, sharp in the sidebar.
MODULE_PIXELS = 6
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_png(link: str, scale: int = MODULE_PIXELS) -> bytes | None:
    """The link as a black-on-white QR code PNG, or None when it is too long for one."""
    try:
        code = segno.make(link, error="m", micro=False, boost_error=False)
    except segno.DataOverflowError:
        return None
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark="#000000", light="#ffffff")
    return buffer.getvalue()
