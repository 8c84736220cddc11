"""The badge image of a credential, drawn with Pillow.

A round medal in a colour picked from the credential's UUID, with the
credential's title and the issuer's name. Drawing takes a few milliseconds,
so images are made on request and cached.
"""

from __future__ import annotations

import hashlib
import io
import textwrap

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

SIZE = 600
# Dark enough for white text to pass contrast checks.
PALETTE = ["#1d4e89", "#6a2c70", "#0b6e4f", "#8c2f39", "#3d405b", "#005f73", "#7a4419"]


def _font(size: int):
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    for chars in range(28, 8, -2):
        lines = textwrap.wrap(text, width=chars)
        if all(draw.textlength(line, font=font) <= width for line in lines):
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .,;:") + "…"
    return lines


def render(*, title: str, issuer: str, seed: str) -> bytes:
    """PNG bytes of a badge for ``title`` by ``issuer``."""
    colour = PALETTE[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(PALETTE)]
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill="#f2c14e")
    draw.ellipse((34, 34, SIZE - 34, SIZE - 34), fill=colour)
    draw.ellipse((54, 54, SIZE - 54, SIZE - 54), outline="#ffffff", width=4)

    # A check mark above the title.
    centre = SIZE // 2
    draw.line(
        [(centre - 42, 150), (centre - 10, 182), (centre + 46, 118)],
        fill="#f2c14e",
        width=16,
        joint="curve",
    )

    title_font = _font(40)
    lines = _wrap(draw, title, title_font, SIZE - 190, max_lines=4)
    line_height = 48
    top = 300 - (len(lines) * line_height) // 2 + 20
    for number, line in enumerate(lines):
        draw.text(
            (centre, top + number * line_height), line, font=title_font, fill="white", anchor="ma"
        )

    for size in (24, 22, 20, 18):
        issuer_font = _font(size)
        if draw.textlength(issuer, font=issuer_font) <= SIZE - 230:
            issuer_line = issuer
            break
    else:
        issuer_line = _wrap(draw, issuer, issuer_font, SIZE - 230, max_lines=1)[0]
    draw.text((centre, 470), issuer_line, font=issuer_font, fill="#f2c14e", anchor="ma")
    draw.text((centre, 505), "MICRO-CREDENTIAL", font=_font(18), fill="white", anchor="ma")

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def credential_image(credential) -> bytes:
    """The badge image of a micro-credential, cached until its title or issuer changes."""
    organization = credential.organization
    key = (
        "badges:image:"
        + hashlib.sha256(
            f"{credential.uuid}|{credential.title}|{organization.name}".encode()
        ).hexdigest()
    )
    png = cache.get(key)
    if png is None:
        png = render(title=credential.title, issuer=organization.name, seed=str(credential.uuid))
        cache.set(key, png, 24 * 3600)
    return png
