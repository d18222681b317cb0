"""``airwork design``, ``bom``, ``production``, ``spares`` and ``catalogue``: new models
from the shared catalogue, and what a factory and a fleet consume.

The library is imported inside each command, so ``airwork --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from airwork.cli.common import JsonOpt, console, handle_errors, print_notes

__all__ = ["bom", "catalogue_app", "design", "production", "spares"]


def _table(title: str, columns: list[str], rows: list[list[Any]], right_from: int = 1) -> None:
    from rich.table import Table

    table = Table(title=title)
    for i, col in enumerate(columns):
        # the first column names the row: never wrapped (a narrow terminal wraps the figures)
        table.add_column(col, justify="right" if i >= right_from else "left", no_wrap=i == 0)
    for row in rows:
        table.add_row(*[str(x) for x in row])
    console.print(table)


def _profile(options: dict[str, Any], profile_file: str | None):
    import yaml
    from pydantic import ValidationError

    from airwork.design.profile import MissionProfile
    from airwork.errors import InputFileError
    from airwork.limits import option_flag, problems

    data: dict[str, Any] = {}
    if profile_file:
        try:
            data = yaml.safe_load(Path(profile_file).read_text("utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            reason = " ".join(str(exc).split())
            raise InputFileError(
                f"{profile_file}: not a readable profile YAML ({reason})"
            ) from None
        if not isinstance(data, dict):
            raise InputFileError(f"{profile_file}: a profile is a mapping of names to values")
    data.update({k: v for k, v in options.items() if v is not None})
    try:
        return MissionProfile.model_validate(data)
    except ValidationError as exc:
        flags = {
            "work_rate_ha_per_h": "--work-rate-ha-per-h",
            "reference_field": "--field",
            "max_takeoff_mass_kg": "--max-mtom-kg",
            "job_params": "--rate-l-per-ha",
        }

        def name(loc: tuple) -> str:  # as the command line (or the profile file) spells it
            if not loc:
                return "design"
            key = str(loc[0])
            flag = flags.get(key, option_flag(key))
            return flag if key in options else f"{profile_file}: {key}"

        raise InputFileError("; ".join(problems(exc, MissionProfile, name))) from None


@handle_errors
def design(
    payload_kg: Annotated[float | None, typer.Option("--payload-kg", help="Payload (kg).")] = None,
    tank_l: Annotated[float | None, typer.Option("--tank-l", help="Spray tank (L).")] = None,
    payload_kind: Annotated[
        str | None, typer.Option("--payload-kind", help="spray, spread, cargo or camera.")
    ] = None,
    hover_min: Annotated[
        float | None, typer.Option("--hover-min", help="Target: hover minutes at payload.")
    ] = None,
    range_km: Annotated[
        float | None,
        typer.Option("--range-km", help="Target: delivery radius, out loaded, back empty (km)."),
    ] = None,
    work_rate: Annotated[
        float | None,
        typer.Option("--work-rate-ha-per-h", help="Target: work rate on the reference field."),
    ] = None,
    job_kind: Annotated[str | None, typer.Option("--job-kind", help="spray or spread.")] = None,
    field: Annotated[
        str | None, typer.Option("--field", help="Reference field (default: the example).")
    ] = None,
    rate_l_per_ha: Annotated[
        float | None, typer.Option("--rate-l-per-ha", help="Spray rate of the job (L/ha).")
    ] = None,
    mass_class: Annotated[
        str | None, typer.Option("--mass-class", help="c0-c4 (EU) or ag (150 kg).")
    ] = None,
    max_mtom_kg: Annotated[
        float | None, typer.Option("--max-mtom-kg", help="Take-off mass limit (kg).")
    ] = None,
    max_span_m: Annotated[float | None, typer.Option("--max-span-m", help="Span (m).")] = None,
    budget_eur: Annotated[float | None, typer.Option("--budget-eur", help="Cost (EUR).")] = None,
    profile_file: Annotated[
        str | None, typer.Option("--profile", help="Mission profile YAML (options override).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Feasible designs shown.", min=1)] = 10,
    csv_out: Annotated[str | None, typer.Option("--csv", help="All feasible designs.")] = None,
    plot: Annotated[str | None, typer.Option("--plot", help="Pareto picture (PNG).")] = None,
    write: Annotated[str | None, typer.Option("--write", help="Write the chosen spec.")] = None,
    pick: Annotated[int, typer.Option("--pick", help="Front row to write (1: cheapest).")] = 1,
    name: Annotated[str, typer.Option("--name", help="Name of the written model.")] = "",
    json_out: JsonOpt = False,
) -> None:
    """Design a new model from the catalogue for a mission profile.

    Searches every compatible combination of parts; the Pareto front (cost, take-off mass,
    target) is checked with the aircraft model (a work rate by planning the reference field).
    """
    from airwork.aircraft.catalogue import catalogue
    from airwork.design.search import search_designs

    params = {"rate_l_per_ha": rate_l_per_ha} if rate_l_per_ha is not None else None
    opts = {
        "payload_kg": payload_kg, "tank_l": tank_l, "payload_kind": payload_kind,
        "hover_min": hover_min, "range_km": range_km, "work_rate_ha_per_h": work_rate,
        "job_kind": job_kind, "reference_field": field, "job_params": params,
        "mass_class": mass_class, "max_takeoff_mass_kg": max_mtom_kg, "max_span_m": max_span_m,
        "budget_eur": budget_eur,
    }  # fmt: skip
    profile = _profile(opts, profile_file)
    cat = catalogue()
    result = search_designs(cat, profile)
    if json_out:
        console.print_json(json.dumps(_result_json(result)))
    else:
        _print_result(result, top)
    if csv_out:
        Path(csv_out).write_text(_feasible_csv(result), encoding="utf-8")
    if plot:
        from airwork.design.plot import plot_pareto

        plot_pareto(result, plot)
    if write:
        _write_choice(cat, result, pick, name, write)
    print_notes(result.notes)


def _print_result(result, top: int) -> None:
    unit = {"hover_min": "hover min", "range_km": "radius km", "work_rate_ha_per_h": "ha/h"}
    head = unit[result.target]
    t = result.timings_s
    console.print(
        f"{result.raw_combinations:,} combinations, {result.candidates:,} compatible, "
        f"{len(result.feasible):,} feasible (screened), {len(result.front)} on the Pareto "
        f"front (checked exactly); {sum(t.values()):.2f} s "
        f"(screen {t['screen']:.2f} s, exact check {t['front']:.2f} s)",
        highlight=False,
    )
    rej = ", ".join(f"{k} {v}" for k, v in result.rejected.items() if v)
    console.print(f"rejected: {rej or 'none'}", highlight=False)
    cols = ["#", "design", "cost EUR", "take-off kg", "span m", head, "T/W", "hover C"]
    rows = [
        [n, r.label, f"{r.cost_eur:,.0f}", f"{r.takeoff_mass_kg:.2f}", f"{r.span_m:.2f}",
         f"{r.figure:.2f}", f"{r.thrust_margin:.2f}", f"{r.hover_c_rate:.1f}"]
        for n, r in enumerate(result.front, start=1)
    ]  # fmt: skip
    _table("Pareto front (cost, mass, target), checked exactly", cols, rows, 2)
    rows = [
        [r.id, r.label, f"{r.cost_eur:,.0f}", f"{r.takeoff_mass_kg:.2f}", f"{r.span_m:.2f}",
         f"{r.figure:.2f}", f"{r.thrust_margin:.2f}", f"{r.hover_c_rate:.1f}"]
        for r in result.feasible[:top]
    ]  # fmt: skip
    cols[0] = "id"
    _table(f"cheapest feasible designs ({head} screened)", cols, rows, 2)


def _row_json(r) -> dict[str, Any]:
    return {
        "id": r.id, "parts": r.choice.__dict__, "cost_eur": r.cost_eur,
        "empty_mass_kg": r.empty_mass_kg, "takeoff_mass_kg": r.takeoff_mass_kg,
        "span_m": r.span_m, "figure": r.figure, "thrust_margin": r.thrust_margin,
        "hover_min": r.hover_min, "hover_c_rate": r.hover_c_rate, "exact": r.exact,
    }  # fmt: skip


def _result_json(result) -> dict[str, Any]:
    return {
        "target": result.target,
        "target_value": result.profile.target_value,
        "combinations": result.raw_combinations,
        "candidates": result.candidates,
        "feasible": len(result.feasible),
        "rejected": result.rejected,
        "front": [_row_json(r) for r in result.front],
        "notes": result.notes,
        "timings_s": result.timings_s,
    }


def _feasible_csv(result) -> str:
    cols = ["id", "frame", "arms", "coaxial", "motor", "propeller", "esc", "battery", "packs",
            "payload", "cost_eur", "empty_mass_kg", "takeoff_mass_kg", "span_m", "figure",
            "thrust_margin", "hover_min", "hover_c_rate"]  # fmt: skip
    lines = [",".join(cols)]
    for r in result.feasible:
        c = r.choice
        vals = [r.id, c.frame, c.arms, c.coaxial, c.motor, c.propeller, c.esc or "",
                c.battery, c.packs, c.payload or "", f"{r.cost_eur:.2f}",
                f"{r.empty_mass_kg:.4f}", f"{r.takeoff_mass_kg:.4f}", f"{r.span_m:.3f}",
                f"{r.figure:.4f}", f"{r.thrust_margin:.4f}", f"{r.hover_min:.3f}",
                f"{r.hover_c_rate:.3f}"]  # fmt: skip
        lines.append(",".join(str(v) for v in vals))
    return "\n".join(lines) + "\n"


def _write_choice(cat, result, pick: int, name: str, path: str) -> None:
    from airwork.aircraft.assemble import assemble_design
    from airwork.design.spec import design_spec, write_spec
    from airwork.errors import AirworkError

    if not result.front:
        raise AirworkError("no design meets the profile: nothing to write")
    if not 1 <= pick <= len(result.front):
        raise AirworkError(f"--pick {pick}: the front has rows 1 to {len(result.front)}")
    row = result.front[pick - 1]
    payload = result.profile.payload_mass_kg()
    label = name or Path(path).stem
    ac = assemble_design(cat, row.choice, payload, name=label)
    unit = {"hover_min": "min hover", "range_km": "km radius", "work_rate_ha_per_h": "ha/h"}
    header = (
        f"Designed by 'airwork design' from the component catalogue: {row.label}\n"
        f"rated for {payload:g} kg payload; {row.figure:.2f} {unit[result.target]}; "
        f"cost {row.cost_eur:,.0f} EUR"
    )
    write_spec(path, design_spec(ac, row.choice, f"designed: {row.label}"), header)
    console.print(f"wrote [bold]{path}[/] (front row {pick})", highlight=False)


@handle_errors
def bom(
    model: Annotated[str, typer.Argument(help="Preset name or designed spec file.")],
    csv_out: Annotated[str | None, typer.Option("--csv", help="Write the lines as CSV.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Bill of materials of a model, and its parts shared with other models.

    Every part with quantity, mass and cost; the shares of part lines and of cost that
    other models of the catalogue also use.
    """
    from airwork.aircraft.catalogue import catalogue
    from airwork.design.bom import bill_of_materials

    b = bill_of_materials(catalogue(), model)
    if json_out:
        lines = [{**x.__dict__, "mass_kg": x.mass_kg, "cost_eur": x.cost_eur} for x in b.lines]
        console.print_json(
            json.dumps(
                {
                    "model": b.model,
                    "mass_kg": b.mass_kg,
                    "cost_eur": b.cost_eur,
                    "shared_line_share": b.shared_line_share,
                    "shared_cost_share": b.shared_cost_share,
                    "lines": lines,
                }
            )
        )
    else:
        rows = [
            [("  " if x.parent else "") + x.part, x.part_number, x.part_class, x.quantity,
             f"{x.unit_mass_kg:.3f}", f"{x.mass_kg:.3f}", f"{x.unit_cost_eur:,.2f}",
             f"{x.cost_eur:,.2f}", len(x.shared_with)]
            for x in b.lines
        ]  # fmt: skip
        rows.append(["total", "", "", "", "", f"{b.mass_kg:.3f}", "", f"{b.cost_eur:,.2f}", ""])
        cols = ["part", "part number", "class", "qty", "unit kg", "kg", "unit EUR", "EUR",
                "other models"]  # fmt: skip
        _table(f"bill of materials: {b.model}", cols, rows, 3)
        console.print(
            f"shared with other models: {b.shared_line_share:.0%} of part lines, "
            f"{b.shared_cost_share:.0%} of the cost",
            highlight=False,
        )
    if csv_out:
        out = ["part,part_number,class,parent,quantity,unit_mass_kg,mass_kg,unit_cost_eur,"
               "cost_eur,shared_with"]  # fmt: skip
        for x in b.lines:
            out.append(
                f"{x.part},{x.part_number},{x.part_class},{x.parent},{x.quantity},"
                f"{x.unit_mass_kg:.4f},{x.mass_kg:.4f},{x.unit_cost_eur:.2f},{x.cost_eur:.2f},"
                f"{' '.join(x.shared_with)}"
            )
        Path(csv_out).write_text("\n".join(out) + "\n", encoding="utf-8")


@handle_errors
def production(
    plan_file: Annotated[str, typer.Argument(help="Production plan YAML.")],
    csv_out: Annotated[
        str | None, typer.Option("--csv", help="Monthly demand per part number (CSV).")
    ] = None,
    plot: Annotated[str | None, typer.Option("--plot", help="Picture (PNG).")] = None,
    top: Annotated[int, typer.Option("--top", help="Part numbers shown.", min=1)] = 15,
) -> None:
    """Monthly units and part demand of a production plan.

    Units per model and month, demand per part number (with yields), the parts shared
    across models, and what a component change does to every model.
    """
    from airwork.aircraft.catalogue import catalogue
    from airwork.design.production import plan_production, read_plan

    cat = catalogue()
    plan = read_plan(plan_file)
    result = plan_production(cat, plan)
    total = sum(sum(u) for u in result.units.values())
    rows = [[m, f"{sum(u):,}", *[f"{x:,}" for x in u]] for m, u in result.units.items()]
    _table(f"aircraft built a month ({total:,} a year)",
           ["model", "year", *[f"m{i}" for i in range(1, 13)]], rows)  # fmt: skip
    rows = [
        [d.part_number, d.part_class, " ".join(d.models), f"{d.total:,}",
         *[f"{x:,}" for x in d.monthly]]
        for d in result.demand[:top]
    ]  # fmt: skip
    _table(f"part demand a month (largest {min(top, len(result.demand))} of "
           f"{len(result.demand)} part numbers)",
           ["part number", "class", "models", "year", *[f"m{i}" for i in range(1, 13)]],
           rows, 3)  # fmt: skip
    shared = result.shared
    console.print(
        f"{len(shared)} of {len(result.demand)} part numbers are shared by two or more "
        f"models: {', '.join(d.part_number for d in shared) or 'none'}",
        highlight=False,
    )
    if plan.change:
        _print_change_of_plan(cat, plan)
    if csv_out:
        Path(csv_out).write_text(result.csv(), encoding="utf-8")
    if plot:
        from airwork.design.plot import plot_production

        plot_production(result, plot)


def _print_change_of_plan(cat, plan) -> None:
    from airwork.design.production import change_impact

    for (old, new), changes in change_impact(cat, plan).items():
        _print_changes(changes, f"{old} -> {new}")


def _rate(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "" if before is None and after is None else f"{before} -> {after}"
    return f"{before:.2f} -> {after:.2f} ({(after / before - 1) * 100:+.1f} %)"


def _print_changes(changes, title: str) -> None:
    rows = []
    for ch in changes:
        if not ch.moved:
            continue
        if ch.before is None or ch.after is None:
            rows.append([ch.model, "only in one version", "", "", "", "", ""])
            continue
        b, a = ch.before, ch.after
        rows.append([
            b.model, f"{b.mass_kg:.2f} -> {a.mass_kg:.2f}",
            f"{b.cost_eur:,.0f} -> {a.cost_eur:,.0f}",
            f"{b.max_payload_kg:.1f} -> {a.max_payload_kg:.1f}",
            f"{b.hover_full_min:.1f} -> {a.hover_full_min:.1f} "
            f"({(a.hover_full_min / b.hover_full_min - 1) * 100:+.1f} %)",
            f"{b.range_half_km:.1f} -> {a.range_half_km:.1f}",
            _rate(b.work_rate_ha_per_h, a.work_rate_ha_per_h),
        ])  # fmt: skip
    cols = ["model", "mass kg", "cost EUR", "max payload kg", "hover min (full)",
            "range km (half)", "work ha/h (example field)"]  # fmt: skip
    _table(f"what {title} does to every model ({len(rows)} moved)", cols, rows)


@handle_errors
def spares(
    hours_file: Annotated[
        str,
        typer.Argument(
            help="Flight hours per job kind (CSV or YAML; see docs/design.md), or a batch "
            "run folder (its districts' hours and sorties)."
        ),
    ],
    fleet: Annotated[
        list[str] | None, typer.Option("--fleet", help="KIND=MODEL (repeatable).")
    ] = None,
    csv_out: Annotated[str | None, typer.Option("--csv", help="Spares per line (CSV).")] = None,
) -> None:
    """Spares a fleet needs a year, from planned flight hours.

    Batteries by charge cycles; propellers, motors, pumps, nozzles by hours, with the
    catalogue's life limits.
    """
    from airwork.aircraft.catalogue import catalogue
    from airwork.design.spares import fleet_spares, read_flight_hours, spares_by_part
    from airwork.errors import InputFileError

    records, file_fleet = read_flight_hours(hours_file)
    for item in fleet or []:
        if "=" not in item:
            raise InputFileError(f"--fleet {item!r}: give KIND=MODEL")
        k, v = item.split("=", 1)
        file_fleet[k.strip()] = v.strip()
    lines = fleet_spares(catalogue(), records, file_fleet)
    totals = spares_by_part(lines)
    rows = [[p, pn, c, f"{s:,.1f}", f"{u:,}", f"{cost:,.0f}"] for p, pn, c, s, u, cost in totals]
    hours = sum(r.hours for r in records)
    _table(f"spares a year for {hours:,.0f} flight hours",
           ["part", "part number", "class", "spares", "units", "EUR"], rows, 3)  # fmt: skip
    console.print(f"total {sum(t[5] for t in totals):,.0f} EUR a year", highlight=False)
    if csv_out:
        out = [
            "district,season,kind,model,part,part_number,class,basis,usage,life,installed,"
            "spares,cost_eur"
        ]
        for x in lines:
            out.append(
                f"{x.district},{x.season},{x.kind},{x.model},{x.part},{x.part_number},{x.part_class},"
                f"{x.basis},{x.usage:.2f},{x.life:g},{x.installed},{x.spares:.3f},{x.cost_eur:.2f}"
            )
        Path(csv_out).write_text("\n".join(out) + "\n", encoding="utf-8")


catalogue_app = typer.Typer(help="The component catalogue: check a version, compare two.")


@catalogue_app.command("check")
@handle_errors
def catalogue_check(
    path: Annotated[str, typer.Argument(help="A catalogue YAML file.")],
) -> None:
    """Validate a catalogue file: schema, references, interfaces, preset masses."""
    from airwork.aircraft.catalogue import load_catalogue

    cat = load_catalogue(path)
    console.print(
        f"{path}: valid ({len(cat.facts)} parts, {len(cat.aircraft)} presets)", highlight=False
    )


@catalogue_app.command("diff")
@handle_errors
def catalogue_diff(
    files: Annotated[
        list[str], typer.Argument(help="[OLD] NEW catalogue files (OLD: the bundled one).")
    ],
    spec: Annotated[
        list[str] | None, typer.Option("--spec", help="Designed spec files to compare too.")
    ] = None,
    job: Annotated[
        list[str] | None, typer.Option("--job", help="Planned job requests (YAML/JSON).")
    ] = None,
) -> None:
    """Compare two catalogue versions model by model.

    Which models' figures (mass, cost, payload, endurance, range) move, and which planned
    jobs would need more sorties.
    """
    from airwork.aircraft.catalogue import load_catalogue
    from airwork.design.change import compare_catalogues, jobs_with_more_sorties
    from airwork.errors import InputFileError

    if not 1 <= len(files) <= 2:
        raise InputFileError("give NEW, or OLD and NEW catalogue files")
    old = load_catalogue(files[0] if len(files) == 2 else None)
    new = load_catalogue(files[-1])
    _print_changes(compare_catalogues(old, new, spec or []), f"{old.where} -> {new.where}")
    if job:
        rows = [[j.job, j.aircraft, j.before, j.after, "MORE" if j.more else ""]
                for j in jobs_with_more_sorties(old, new, job)]  # fmt: skip
        _table("planned jobs", ["job", "aircraft", "sorties before", "after", ""], rows, 2)
