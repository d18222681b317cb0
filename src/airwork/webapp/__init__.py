"""The web map app: a single page of plain HTML, CSS and ES modules (no build step) that
talks only to the public ``/api/v1``, with MapLibre GL JS vendored under
``static/vendor/maplibre-gl``.  A face like the command line and the API: the service
mounts it (:func:`static_dir`) and sends :func:`content_security_policy` with its pages;
nothing else imports it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["MAPLIBRE_VERSION", "content_security_policy", "static_dir"]

MAPLIBRE_VERSION = "6.20.0"
"""The vendored MapLibre GL JS."""


def static_dir() -> Path:
    """The folder served at ``/``: ``index.html``, the app's modules and the vendored
    libraries."""
    return Path(__file__).parent / "static"


def content_security_policy(basemap_url: str | None = None) -> str:
    """The ``Content-Security-Policy`` of the app's pages: scripts, styles, data and workers
    from this origin only (MapLibre's worker may start from a ``blob:`` URL, its canvas
    reads ``data:``/``blob:`` images), plus the basemap's host for tiles when one is
    configured."""
    extra = ""
    if basemap_url:
        parts = urlsplit(basemap_url)
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.netloc.rsplit("@", 1)[-1]
            if "{" in host:  # a subdomain template such as {s}.tile.example.org
                host = "*." + host.split(".", 1)[-1]
            extra = f" {parts.scheme}://{host}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"img-src 'self' data: blob:{extra}",
            f"connect-src 'self'{extra}",
            "worker-src 'self' blob:",
            "child-src 'self' blob:",
            "style-src 'self' 'unsafe-inline'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )
