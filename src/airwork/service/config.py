"""The service's settings: where its data lives, its database, its engine and its limits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["Limits", "Settings"]

DEFAULT_DATA_DIR = Path("airwork-data")


@dataclass(frozen=True)
class Limits:
    """What one request or one organisation may use (each refusal is a clear 4xx).

    Attributes
    ----------
    upload_bytes : int
        Largest request body (uploads included): 413 above.
    unzipped_bytes : int
        Largest total size of the files inside an uploaded zip or KMZ.
    zip_members : int
        Most files inside an uploaded zip.
    files_per_upload : int
        Most files in one upload.
    field_ha : float
        Largest field of a site, default for new organisations. [ha]
    active_jobs : int
        Queued and running jobs an organisation may have at once (429 above), default for
        new organisations.
    search_s : float
        Longest search a job may ask for (``runtime_s``, the delivery route search), so no
        organisation holds a worker for hours. [s]
    """

    upload_bytes: int = 20 * 1024 * 1024
    unzipped_bytes: int = 200 * 1024 * 1024
    zip_members: int = 64
    files_per_upload: int = 16
    field_ha: float = 5000.0
    active_jobs: int = 20
    search_s: float = 600.0


@dataclass(frozen=True)
class Settings:
    """How a service runs.

    Attributes
    ----------
    data_dir : Path
        Uploaded files (by content hash) and the embedded SQLite database.
    db_url : str or None
        SQLAlchemy URL; default ``sqlite:///DATA_DIR/airwork.db``.
    scheduler : str or None
        Dask scheduler address; default a local cluster started with the service.
    workers : int or None
        Workers of the local cluster.
    processes : bool
        Local workers as processes (threads in tests).
    limits : Limits
    max_attempts : int
        Runs of a job interrupted by server restarts before it is failed.
    basemap_url : str or None
        Raster tile URL template (``https://HOST/{z}/{x}/{y}.png``) the web app draws under
        the job's layers; none: a plain background with a graticule.
    basemap_attribution : str or None
        The credit the tile provider asks for (``© OpenStreetMap contributors``), shown on
        every map under its tiles; none: the tile server's host is named.
    """

    data_dir: Path = DEFAULT_DATA_DIR
    db_url: str | None = None
    scheduler: str | None = None
    workers: int | None = None
    processes: bool = True
    limits: Limits = field(default_factory=Limits)
    max_attempts: int = 3
    basemap_url: str | None = None
    basemap_attribution: str | None = None

    @property
    def basemap_credit(self) -> str | None:
        """The line shown under the basemap: the attribution given, else the tile host."""
        if not self.basemap_url:
            return None
        if self.basemap_attribution:
            return self.basemap_attribution
        return f"Map tiles: {urlsplit(self.basemap_url).hostname or self.basemap_url}"

    @property
    def database_url(self) -> str:
        """The database URL actually used."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(Path(self.data_dir) / 'airwork.db').resolve()}"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``AIRWORK_DATA``, ``AIRWORK_DB``, ``AIRWORK_BASEMAP_URL`` and
        ``AIRWORK_BASEMAP_ATTRIBUTION``, then
        ``overrides`` (None values ignored)."""
        base = cls(
            data_dir=Path(os.environ.get("AIRWORK_DATA") or DEFAULT_DATA_DIR),
            db_url=os.environ.get("AIRWORK_DB") or None,
            basemap_url=os.environ.get("AIRWORK_BASEMAP_URL") or None,
            basemap_attribution=os.environ.get("AIRWORK_BASEMAP_ATTRIBUTION") or None,
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        if "data_dir" in given:
            given["data_dir"] = Path(str(given["data_dir"]))
        return replace(base, **given)  # type: ignore[arg-type]
