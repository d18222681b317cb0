"""Exporters: a planned Mission as files (QGroundControl ``.plan``, ``QGC WPL 110``,
GeoJSON, KML, the picture, the autopilot setup sheet, DJI WPML, Litchi CSV, QGC's editable
Survey items).  Exporters never plan; the MAVLink items they format are built by
:mod:`airwork.autopilot.mission_items`, and mission files are read back by
:mod:`airwork.autopilot.read`, which does not depend on the exporters.

Every format is an :class:`~airwork.export.registry.Exporter` in the registry
(:func:`~airwork.export.registry.exporter_names`); a new format is a module and one
``register`` line below.
"""

from airwork.export import formats as _formats
from airwork.export.dji_wpml import DJI_WPML as _DJI_WPML
from airwork.export.geojson import to_geojson, write_geojson
from airwork.export.kml import to_kml, write_kml
from airwork.export.litchi import LITCHI as _LITCHI
from airwork.export.param_sheet import PARAM as _PARAM
from airwork.export.qgc_plan import plan_dict, to_qgc_plan, write_qgc_plan
from airwork.export.qgc_survey import QGC_EDITABLE as _QGC_EDITABLE
from airwork.export.registry import register
from airwork.export.wpl import to_wpl, write_wpl

__all__ = [
    "plan_dict",
    "to_geojson",
    "to_kml",
    "to_qgc_plan",
    "to_wpl",
    "write_geojson",
    "write_kml",
    "write_qgc_plan",
    "write_wpl",
]

for _exp in (_formats.QGC_PLAN, _formats.WPL, _formats.GEOJSON, _formats.KML, _formats.PICTURE):
    register(_exp)
register(_PARAM)
register(_DJI_WPML)
register(_LITCHI)
register(_QGC_EDITABLE)
