"""``/config``: what a client needs before it signs in (public on purpose: the web app asks
it for the basemap before any token is known, and it holds no organisation's data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from airwork import __version__
from airwork.service.deps import Svc

__all__ = ["router"]

router = APIRouter(tags=["accounts"])


@router.get(
    "/config",
    summary="Public client configuration: basemap URL and attribution, version (no token)",
)
def get_config(svc: Svc) -> dict[str, Any]:
    s = svc.settings
    return {
        "basemap_url": s.basemap_url,
        "basemap_attribution": s.basemap_credit,
        "version": __version__,
    }
