"""A simple round red seal image (PNG): a ring, a five-pointed star and the unit's name along the top.

Drawn with Pillow and a system CJK font when one is installed; without a font the ring and the star
alone are drawn (the name is still in the stamp's signed data)."""

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 320
RED = (214, 0, 0, 255)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def _font(size: int):
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return None


def _star(draw, cx, cy, r):
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def seal_png(name: str) -> bytes:
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    c = SIZE / 2
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), outline=RED, width=10)
    _star(draw, c, c, SIZE * 0.16)
    name = (name or "")[:16]
    font_size = 34 if len(name) <= 10 else 26
    font = _font(font_size)
    if font is not None and name:
        radius = SIZE / 2 - 50
        span = min(math.radians(240), math.radians(24) * len(name))
        start = -math.pi / 2 - span / 2
        step = span / max(len(name) - 1, 1)
        for i, char in enumerate(name):
            angle = start + step * i if len(name) > 1 else -math.pi / 2
            glyph = Image.new("RGBA", (font_size + 8, font_size + 8), (255, 255, 255, 0))
            ImageDraw.Draw(glyph).text((4, 2), char, font=font, fill=RED)
            glyph = glyph.rotate(-math.degrees(angle + math.pi / 2), resample=Image.BICUBIC, expand=True)
            x = c + radius * math.cos(angle) - glyph.width / 2
            y = c + radius * math.sin(angle) - glyph.height / 2
            image.alpha_composite(glyph, (int(x), int(y)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
