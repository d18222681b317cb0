"""A mission profile: what a new model must carry, what it must achieve, and its limits.

One pydantic model, so the command line, a YAML file and the API check the same numbers
the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["MASS_CLASSES", "MissionProfile"]

MASS_CLASSES: dict[str, tuple[float, bool]] = {
    "c0": (0.25, True),
    "c1": (0.9, True),
    "c2": (4.0, True),
    "c3": (25.0, True),
    "c4": (25.0, True),
    "ag": (150.0, False),
}
"""Maximum take-off mass of each class [kg] and whether the limit is strict (``<``).
EU classes C0-C4 of Delegated Regulation (EU) 2019/945, Annex Part 1-5 (MTOM "less
than" 250 g, 900 g, 4 kg, 25 kg, 25 kg); ``ag`` is the 150 kg agricultural class the
platform plans for (``<=``)."""

_DEFAULT_FIELD = str(Path(__file__).parents[1] / "data" / "example_field.geojson")


class MissionProfile(BaseModel):
    """What to design for.

    Give the payload as ``payload_kg`` or ``tank_l`` (a spray tank), and one target:
    ``hover_min`` (hover endurance at the payload), ``range_km`` (delivery radius: out
    with the payload, back empty, at ``cruise_speed_mps``, keeping the landing reserve) or
    ``work_rate_ha_per_h`` (for the job ``job_kind`` on ``reference_field``, with
    ``job_params``).  Limits: ``mass_class`` and/or ``max_takeoff_mass_kg``,
    ``max_span_m``, ``budget_eur``.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    payload_kg: float | None = Field(None, gt=0, le=300, description="Payload (kg)")
    tank_l: float | None = Field(None, gt=0, le=300, description="Spray tank (L)")
    payload_kind: Literal["spray", "spread", "cargo", "camera"] | None = Field(
        None, description="Payload system kind; default spray for tank_l, else cargo"
    )
    hover_min: float | None = Field(None, gt=0, le=600, description="Hover endurance (min)")
    range_km: float | None = Field(None, gt=0, le=1000, description="Delivery radius (km)")
    work_rate_ha_per_h: float | None = Field(None, gt=0, le=1000, description="Work rate (ha/h)")
    job_kind: Literal["spray", "spread"] = "spray"
    reference_field: str = Field(_DEFAULT_FIELD, description="Field the work rate is planned on")
    job_params: dict[str, Any] = Field(
        default_factory=lambda: {"rate_l_per_ha": 15.0}, description="Parameters of that job"
    )
    mass_class: Literal["c0", "c1", "c2", "c3", "c4", "ag"] | None = None
    max_takeoff_mass_kg: float | None = Field(
        None, gt=0, le=600, description="Take-off mass limit (kg)"
    )
    max_span_m: float | None = Field(None, gt=0, le=20, description="Span limit (m)")
    budget_eur: float | None = Field(None, gt=0, description="Cost limit (EUR)")
    cruise_speed_mps: float = Field(10.0, gt=0, le=40, description="Delivery cruise airspeed (m/s)")
    reserve_frac: float = Field(0.2, ge=0, lt=0.9, description="Landing reserve")
    max_packs: int = Field(2, ge=1, le=8, description="Packs in parallel at most")

    @model_validator(mode="after")
    def _check(self) -> MissionProfile:
        if (self.payload_kg is None) == (self.tank_l is None):
            raise ValueError(
                "give the payload as --payload-kg or --tank-l, one of them (payload_kg or "
                "tank_l in a profile file)"
            )
        targets = [k for k in ("hover_min", "range_km", "work_rate_ha_per_h") if getattr(self, k)]
        if len(targets) != 1:
            raise ValueError(
                "give one target: --hover-min, --range-km or --work-rate-ha-per-h (hover_min, "
                "range_km or work_rate_ha_per_h in a profile file)"
                + (f" (got {', '.join(targets)})" if targets else "")
            )
        if self.kind in ("camera",) and self.work_rate_ha_per_h is not None:
            raise ValueError("a work-rate target needs a spray or spread payload")
        return self

    @property
    def kind(self) -> str:
        """Payload system kind searched."""
        if self.payload_kind is not None:
            return self.payload_kind
        return "spray" if self.tank_l is not None else "cargo"

    @property
    def target(self) -> str:
        """``hover_min``, ``range_km`` or ``work_rate_ha_per_h``."""
        for k in ("hover_min", "range_km", "work_rate_ha_per_h"):
            if getattr(self, k) is not None:
                return k
        raise AssertionError("validated")

    @property
    def target_value(self) -> float:
        return float(getattr(self, self.target))

    def payload_mass_kg(self, liquid_density_kg_per_l: float = 1.0) -> float:
        """The payload in kg (a tank of liquid at its density). [kg]"""
        if self.payload_kg is not None:
            return float(self.payload_kg)
        return float(self.tank_l) * liquid_density_kg_per_l

    def mass_limit(self) -> tuple[float, bool]:
        """The take-off mass limit [kg] and whether it is strict (``<``)."""
        limits = []
        if self.mass_class is not None:
            limits.append(MASS_CLASSES[self.mass_class])
        if self.max_takeoff_mass_kg is not None:
            limits.append((self.max_takeoff_mass_kg, False))
        if not limits:
            return float("inf"), False
        return min(limits)
