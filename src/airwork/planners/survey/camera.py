"""Camera geometry of a mapping survey: ground sample distance, altitude for a GSD,
footprint, line spacing and trigger distance from overlaps (pinhole camera looking straight
down, landscape across the flight line)."""

from __future__ import annotations

import numpy as np

from airwork.aircraft.components import Camera

__all__ = [
    "altitude_for_gsd_m",
    "footprint_m",
    "ground_sample_distance_m",
    "line_spacing_m",
    "photo_count",
    "trigger_distance_m",
]


def ground_sample_distance_m(altitude_m, focal_length_mm, sensor_width_mm, image_width_px):
    r"""Ground sample distance of a nadir camera over flat ground [1]_.

    Parameters
    ----------
    altitude_m : numeric
        Height of the camera above the ground. [m]
    focal_length_mm : numeric
        Real focal length (not the 35 mm equivalent). [mm]
    sensor_width_mm : numeric
        Real sensor width. [mm]
    image_width_px : numeric
        Image width. [px]

    Returns
    -------
    gsd_m : numeric
        Distance on the ground between two neighbouring pixel centres,
        :math:`H s_w / (f W)` (similar triangles, [1]_ eq. 2-3). [m]

    References
    ----------
    .. [1] Pix4D, "Ground sampling distance (GSD) in photogrammetry", PIX4Dmapper support
           article 202557469. https://support.pix4d.com/hc/en-us/articles/202557469

    Examples
    --------
    >>> round(float(ground_sample_distance_m(100.0, 8.8, 13.2, 5472)) * 100, 3)  # cm
    2.741
    """
    return (
        np.asarray(altitude_m, dtype=float)
        * sensor_width_mm
        / (np.asarray(focal_length_mm, dtype=float) * image_width_px)
    )


def altitude_for_gsd_m(gsd_m, focal_length_mm, sensor_width_mm, image_width_px):
    r"""Height above the ground that gives a ground sample distance [1]_.

    Parameters
    ----------
    gsd_m : numeric
        Wanted ground sample distance. [m]
    focal_length_mm : numeric
        Real focal length. [mm]
    sensor_width_mm : numeric
        Real sensor width. [mm]
    image_width_px : numeric
        Image width. [px]

    Returns
    -------
    altitude_m : numeric
        :math:`H = \mathrm{GSD}\, W f / s_w` ([1]_ eq. 4). [m]

    References
    ----------
    .. [1] Pix4D, "Ground sampling distance (GSD) in photogrammetry", PIX4Dmapper support
           article 202557469. https://support.pix4d.com/hc/en-us/articles/202557469

    Examples
    --------
    >>> round(float(altitude_for_gsd_m(0.05, 5.0, 6.17, 4000)), 2)  # Pix4D's example
    162.07
    """
    return (
        np.asarray(gsd_m, dtype=float)
        * image_width_px
        * np.asarray(focal_length_mm, dtype=float)
        / sensor_width_mm
    )


def footprint_m(altitude_m, camera: Camera) -> tuple[float, float]:
    """Ground footprint of one nadir image, camera in landscape [1]_.

    The image width lies across the flight line, the image height along it.

    Parameters
    ----------
    altitude_m : float
        Height of the camera above the ground. [m]
    camera : Camera
        Uses ``sensor_width_mm``, ``sensor_height_mm`` and ``focal_length_mm`` (widest zoom).

    Returns
    -------
    across_m, along_m : float
        :math:`H s_w / f` and :math:`H s_h / f` ([1]_ eq. 2, :math:`D_W = H S_W / F_R`). [m]

    References
    ----------
    .. [1] Pix4D, "Ground sampling distance (GSD) in photogrammetry", PIX4Dmapper support
           article 202557469. https://support.pix4d.com/hc/en-us/articles/202557469
    """
    h_over_f = float(altitude_m) / camera.focal_length_mm
    return h_over_f * camera.sensor_width_mm, h_over_f * camera.sensor_height_mm


def line_spacing_m(footprint_across_m, side_overlap):
    """Largest distance between neighbouring flight lines for a side overlap.

    Parameters
    ----------
    footprint_across_m : numeric
        Footprint across the flight line. [m]
    side_overlap : numeric
        Share of an image's width also seen from the next line. [-]

    Returns
    -------
    spacing_m : numeric
        :math:`D_W (1 - o_s)`. [m]
    """
    return np.asarray(footprint_across_m, dtype=float) * (1.0 - np.asarray(side_overlap))


def trigger_distance_m(footprint_along_m, front_overlap):
    """Distance flown between photos for a front (forward) overlap.

    Parameters
    ----------
    footprint_along_m : numeric
        Footprint along the flight line. [m]
    front_overlap : numeric
        Share of an image's height also seen in the next photo. [-]

    Returns
    -------
    distance_m : numeric
        :math:`D_H (1 - o_f)`. [m]
    """
    return np.asarray(footprint_along_m, dtype=float) * (1.0 - np.asarray(front_overlap))


def photo_count(length_m, trigger_m) -> np.ndarray:
    """Photos taken on runs of a distance trigger that fires at the start and then every
    ``trigger_m``: :math:`\\lfloor L / d \\rfloor + 1` per run. [-]"""
    length = np.asarray(length_m, dtype=float)
    return np.floor(length / trigger_m + 1e-9).astype(int) + 1
