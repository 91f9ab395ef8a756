"""Security headers on every response."""

from __future__ import annotations

from flask import Flask


def csp(media_origin: str | None = None) -> str:
    """The policy; ``media_origin``: the media store's, whose presigned URLs the pages load
    (pictures, videos, the seek previews' index)."""
    store = f" {media_origin}" if media_origin else ""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            # Swagger UI and the SPA's libraries set inline styles.
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{store}",
            f"media-src 'self' blob:{store}",
            f"connect-src 'self' ws: wss:{store}",
            "font-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def init_app(app: Flask) -> dict[str, str]:
    """Adds the headers to every response; returns them (for ``video_bytes``)."""
    bucket = app.extensions["clipset"].bucket
    headers = {"Content-Security-Policy": csp(bucket and bucket.origin), **HEADERS}

    @app.after_request
    def add_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return headers
