"""Print the aircraft model's errors against published hover / flight times (Markdown).

Run ``python bench/validation_report.py``; the table goes in ``docs/validation.md``.
Data and sources: ``tests/data/published_hover_times.csv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "aircraft"))

from conftest import DATA, read_commented_csv  # noqa: E402
from test_validation import _aircraft, _errors, _usable  # noqa: E402


def main() -> None:
    rows = _usable(read_commented_csv(DATA / "published_hover_times.csv"))
    scored = _errors(rows)
    print(
        "| aircraft | take-off kg | kind | published min | model hover min | "
        "model best-endurance min | scored error | hover-only error |"
    )
    print("|---|---|---|---|---|---|---|---|")
    plain = []
    for err, row in scored:
        ac, payload = _aircraft(row)
        hover = float(ac.hover_endurance_min(payload))
        v = ac.best_endurance_speed_mps(payload)
        p = float(ac.forward_power_w(payload, v)) if v > 0 else float(ac.hover_power_w(payload))
        best = ac.usable_energy_wh / p * 60
        pub = float(row["hover_time_min"])
        plain.append((hover - pub) / pub)
        print(
            f"| {row['aircraft']} | {row['takeoff_mass_kg']} | {row['figure_kind']} | "
            f"{pub:g} | {hover:.1f} | {best:.1f} | {err * 100:+.1f} % | "
            f"{plain[-1] * 100:+.1f} % |"
        )
    refused = [r for r in rows if float(r["takeoff_mass_kg"]) > float(r["max_takeoff_mass_kg"])]
    e = np.abs([x for x, _ in scored])
    h = np.abs(plain)
    print(
        f"\nScored: n = {len(e)}, median |error| {np.median(e) * 100:.1f} %, "
        f"worst {e.max() * 100:.1f} %."
    )
    print(f"Hover-only: median |error| {np.median(h) * 100:.1f} %, worst {h.max() * 100:.1f} %.")
    print(
        f"Refused (above maximum take-off mass): {len(refused)} rows: "
        + ", ".join(f"{r['aircraft']} at {r['takeoff_mass_kg']} kg" for r in refused)
    )


if __name__ == "__main__":
    main()
