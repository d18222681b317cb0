"""The aircraft model against published endurance figures: per-row table and a picture.

Run ``PYTHONPATH=src python bench/validation_report.py`` to print the Markdown table;
``--plot docs/validation-payload.png`` draws the error against payload fraction and
``--update docs/validation.md`` rewrites the table between the markers
``<!-- validation-table:start -->`` and ``<!-- validation-table:end -->``.
Data and sources: ``tests/data/published_hover_times.csv``; scoring: one prediction per
row, ``tests/aircraft/test_validation.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "aircraft"))

from conftest import DATA, read_commented_csv  # noqa: E402
from test_validation import predict_min, spec_of  # noqa: E402

from airwork.aircraft import aircraft_from_spec  # noqa: E402

START, END = "<!-- validation-table:start -->", "<!-- validation-table:end -->"


def _basis(row) -> str:
    if row["figure_kind"] == "hover":
        return "hover"
    if row["speed_mps"]:
        return f"flight at {float(row['speed_mps']):.1f} m/s"
    return "flight, no speed: at hover"


def _rows():
    out = []
    for row in read_commented_csv(DATA / "published_hover_times.csv"):
        tom, mass = float(row["takeoff_mass_kg"]), float(row["mass_kg"])
        refused = tom > float(row["max_takeoff_mass_kg"]) + 1e-9
        pub = float(row["published_min"])
        pred = None if refused else predict_min(row)
        out.append(
            {
                "row": row,
                "payload_frac": (tom - mass) / tom,
                "published": pub,
                "predicted": pred,
                "error": None if refused else (pred - pub) / pub,
            }
        )
    return out


def _stats(errs) -> str:
    e = np.abs(errs)
    return f"n = {len(e)}, median |error| {np.median(e):.1%}, worst {e.max():.1%}"


def table(rows) -> str:
    lines = [
        "| aircraft | maker | take-off kg | payload | figure | scored as | published min | "
        "model min | error | FM | drive η | pack V (hover) |",
        "|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        row = r["row"]
        if r["error"] is None:
            lines.append(
                f"| {row['aircraft']} | {row['maker']} | {row['takeoff_mass_kg']} | "
                f"{r['payload_frac']:.0%} | {row['figure_kind']} | refused (above MTOM) | "
                f"{r['published']:g} | — | — | — | — | — |"
            )
            continue
        ac = aircraft_from_spec(spec_of(row))
        payload = float(row["takeoff_mass_kg"]) - float(row["mass_kg"])
        perf = ac.performance(payload)
        lines.append(
            f"| {row['aircraft']} | {row['maker']} | {row['takeoff_mass_kg']} | "
            f"{r['payload_frac']:.0%} | {row['figure_kind']} | {_basis(row)} | "
            f"{r['published']:g} | {r['predicted']:.1f} | {r['error']:+.1%} | "
            f"{perf.figure_of_merit:.2f} | {perf.drive_efficiency_hover:.2f} | "
            f"{perf.pack_voltage_hover_v:.1f} |"
        )
    scored = [r for r in rows if r["error"] is not None]
    stated = [r["error"] for r in scored if not _basis(r["row"]).startswith("flight, no")]
    unstated = [r["error"] for r in scored if _basis(r["row"]).startswith("flight, no")]
    heavy = [r["error"] for r in scored if r["payload_frac"] >= 0.3]
    refused = [r["row"] for r in rows if r["error"] is None]
    lines += [
        "",
        f"- All scored rows: {_stats([r['error'] for r in scored])}.",
        f"- Condition stated by the maker (hover, or flight at a stated speed): {_stats(stated)}.",
        f"- 'Max flight time' with no speed stated, scored at hover: {_stats(unstated)}; "
        f"mean error {np.mean(unstated):+.1%}.",
        f"- Payload >= 30 % of take-off mass: {_stats(heavy)}; mean error {np.mean(heavy):+.1%}.",
        f"- Refused (above the maximum take-off mass): {len(refused)} rows: "
        + ", ".join(f"{r['aircraft']} at {r['takeoff_mass_kg']} kg" for r in refused)
        + ".",
    ]
    return "\n".join(lines)


def basis_table(rows, speeds=(8.0, 10.0)) -> str:
    """The rows whose maker states no condition, scored at hover (the rule) and, for
    comparison only, at constant airspeeds: which basis would fit each figure."""
    head = " | ".join(f"at {v:g} m/s" for v in speeds)
    lines = [
        f"| aircraft | take-off kg | published min | at hover (scored) | {head} |",
        "|---|---:|---:|---:|" + "---:|" * len(speeds),
    ]
    for r in rows:
        row = r["row"]
        if r["error"] is None or not _basis(row).startswith("flight, no"):
            continue
        ac = aircraft_from_spec(spec_of(row))
        payload = float(row["takeoff_mass_kg"]) - float(row["mass_kg"])
        cruise = [
            ac.usable_energy_wh / float(ac.forward_power_w(payload, v)) * 60.0 / r["published"]
            - 1.0
            for v in speeds
        ]
        lines.append(
            f"| {row['aircraft']} | {row['takeoff_mass_kg']} | {r['published']:g} | "
            f"{r['error']:+.0%} | " + " | ".join(f"{e:+.0%}" for e in cruise) + " |"
        )
    return "\n".join(lines)


def plot(rows, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scored = [r for r in rows if r["error"] is not None]
    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    ax.axhspan(-8, 8, color="tab:green", alpha=0.12, label="±8 % (median target)")
    ax.axhline(20, color="tab:red", lw=0.8, ls="--", label="±20 % (worst-case target)")
    ax.axhline(-20, color="tab:red", lw=0.8, ls="--")
    ax.axhline(0, color="k", lw=0.6)
    makers = sorted({r["row"]["maker"] for r in scored})
    colours = dict(zip(makers, ["tab:blue", "tab:orange", "tab:purple", "tab:brown"], strict=False))
    markers = {"hover": "o", "flight at": "s", "flight, no": "^"}
    seen = set()
    for r in scored:
        basis = _basis(r["row"])
        key = next(k for k in markers if basis.startswith(k))
        label = f"{r['row']['maker']}, {basis if key != 'flight at' else 'flight at stated speed'}"
        ax.scatter(
            r["payload_frac"] * 100,
            r["error"] * 100,
            c=colours[r["row"]["maker"]],
            marker=markers[key],
            s=38,
            edgecolors="k",
            linewidths=0.4,
            label=None if label in seen else label,
        )
        seen.add(label)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    ax.set_ylim(-40, 40)
    ax.set_xlabel("payload, % of take-off mass")
    ax.set_ylabel("model - published, % of published")
    ax.set_title("airwork endurance model vs published figures (one prediction per row)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plot", type=Path, default=None)
    ap.add_argument("--update", type=Path, default=None)
    ap.add_argument(
        "--basis", action="store_true", help="Also print the unstated rows at cruise speeds."
    )
    args = ap.parse_args()
    rows = _rows()
    text = table(rows)
    print(text)
    if args.basis:
        print("\n" + basis_table(rows))
    if args.plot:
        plot(rows, args.plot)
    if args.update:
        doc = args.update.read_text("utf-8")
        if START not in doc or END not in doc:
            raise SystemExit(f"{args.update}: no {START} ... {END} markers")
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        args.update.write_text(f"{head}{START}\n{text}\n{END}{tail}", "utf-8")


if __name__ == "__main__":
    main()
