"""Draw the home-screen icons of the field app (ppkl/static/app/icons/icon-192.png, icon-512.png).

Drawn, not designed: a white "ppkl" on the theme green, inside the central 80% so that Android's
maskable crop keeps it whole. Re-run after changing the colours; the output is committed.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

GREEN = (25, 135, 84)
OUT = Path(__file__).resolve().parent.parent / "ppkl" / "static" / "app" / "icons"


def draw(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), GREEN)
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(size * 0.26))
    box = pen.textbbox((0, 0), "ppkl", font=font)
    width, height = box[2] - box[0], box[3] - box[1]
    pen.text(
        ((size - width) / 2 - box[0], (size - height) / 2 - box[1]), "ppkl", fill="white", font=font
    )
    bar = int(size * 0.04)
    top = int(size * 0.70)
    pen.rounded_rectangle((size * 0.3, top, size * 0.7, top + bar), radius=bar // 2, fill="white")
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
