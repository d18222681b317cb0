"""Plan a whole region's fields on a Dask cluster: one ``run_job`` per parcel.

:func:`run_batch` reads a parcel register (GeoParquet, GeoPackage, FlatGeobuf, Shapefile),
partitions it along a Hilbert curve, plans every field in its own UTM frame on the cluster's
workers, and writes per-field results (GeoParquet), failed fields with their reasons,
per-district and per-week aggregates and a region map.  Runs resume where they stopped and
never hold a field twice in their results.  See ``docs/batch.md``.
"""

from airwork.batch.engine import BatchReport, check_options, run_batch
from airwork.batch.options import BatchError, BatchOptions
from airwork.batch.plan import RESULT_COLUMNS, plan_partition

__all__ = [
    "RESULT_COLUMNS",
    "BatchError",
    "BatchOptions",
    "BatchReport",
    "check_options",
    "plan_partition",
    "run_batch",
]
