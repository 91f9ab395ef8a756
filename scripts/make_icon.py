"""Draws Clipset's app and tray icon once; the PNG, ICO and ICNS are committed in clipset/assets.

Run again only to change the icon: ``python scripts/make_icon.py``.
"""

from pathlib import Path

from PIL import Image, ImageDraw

ASSETS = Path(__file__).resolve().parents[1] / "clipset" / "assets"
SIZE = 1024


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.rounded_rectangle((32, 32, SIZE - 32, SIZE - 32), radius=220, fill=(124, 58, 237, 255))
    # A film-strip notch on each side, then the play triangle.
    for y in range(170, SIZE - 170, 140):
        d.rounded_rectangle((96, y, 156, y + 70), radius=14, fill=(255, 255, 255, 90))
        d.rounded_rectangle(
            (SIZE - 156, y, SIZE - 96, y + 70), radius=14, fill=(255, 255, 255, 90)
        )
    d.polygon([(400, 300), (400, 724), (740, 512)], fill=(255, 255, 255, 255))
    return image


def main() -> None:
    ASSETS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.LANCZOS).save(ASSETS / "icon.png")
    image.save(
        ASSETS / "icon.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )
    image.save(ASSETS / "icon.icns")


if __name__ == "__main__":
    main()
