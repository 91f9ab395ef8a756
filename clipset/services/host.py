"""The host machine as others on the LAN see it: its address and a QR code for phones."""
from __future__ import annotations

from .. import lan
from ..settings import Settings


def qr_svg(text: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


class Host:
    def __init__(self, settings: Settings):
        self.settings = settings

    def lan_url(self, port: int) -> str:
        return lan.lan_url(self.settings.host, port)

    def lan(self, port: int) -> dict:
        url = self.lan_url(port)
        return {"lan_url": url, "qr_svg": qr_svg(url)}
