"""Text reports for the terminal (`escalator indicators`, `escalator pathways`): the published tables as
aligned plain-text tables, numbers formatted like the HTML tracker. Queries read `published.*` only."""

from reports.numbers import format_value


def format_tracker(rows: list[tuple]) -> str:
    header = ("indicator", "period", "value", "95% CI", "baseline", "change", "status", "why")
    body = []
    for name, start, end, value, unit, lci, uci, base, change, rag, reason in rows:
        period = "" if start is None else (f"{start:%Y}" if (end - start).days > 300 else f"{end:%b %Y}")
        ci = "" if lci is None else f"{format_value(lci, unit)} to {format_value(uci, unit)}"
        change_unit = "pp" if (unit or "").startswith("%") else unit
        body.append(
            (
                name,
                period,
                format_value(value, unit, ""),
                ci,
                format_value(base, unit, ""),
                "" if change is None else ("+" if change > 0 else "") + format_value(change, change_unit),
                rag,
                reason or "",
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    widths[0] = min(widths[0], 48)
    widths[-1] = min(widths[-1], 60)
    lines = ["  ".join(str(c)[:w].ljust(w) for c, w in zip(r, widths)) for r in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_trajectory(row: tuple) -> str:
    (name, end, value, lci, uci, target, year, required, change, c_lo, c_hi, status, extra) = row
    text = (
        f"80% by {year}: latest {value:.1f}% ({end:%Y}, 95% CI {lci:.1f}-{uci:.1f}); needs "
        f"{required:+.2f}pp a year to {target:.0f}% by {year}"
    )
    if change is not None:
        text += f"; latest annual change {change:+.1f}pp (95% CI {c_lo:+.1f} to {c_hi:+.1f})"
    text += f": {status}"
    if extra is not None:
        text += f"; {extra:,.0f} more people in work needed"
    return text


def format_steps(rows: list[tuple]) -> str:
    """Steps as a table, each followed by why it is there, its route in and barriers (NCS profile)."""
    header = ("step", "to", "SOC", "score", "pay", "uplift", "local ads")
    body, notes = [], []
    for step, soc, title, sim, pay, up, ads, route, barriers, measured, why in rows:
        body.append(
            (
                step,
                title[:44],
                soc,
                f"{sim:.2f}",
                (f"£{pay:,.0f}" if pay else "") + ("" if measured else "*"),
                f"{up:+.1f}%" if up is not None else "",
                str(ads),
            )
        )
        notes.append(
            "      why: "
            + why
            + "\n      route: "
            + (route or "no NCS profile")
            + ("\n      barriers: " + barriers if barriers else "")
        )
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    for row, note in zip(body, notes):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        lines.append(note)
    lines.append(
        "* ONS suppresses the unit group's median pay: estimated from its mean, or borrowed from a wider SOC group"
    )
    return "\n".join(lines)


def indicators_report(conn, geography: str) -> str:
    """The Plan's indicators for one area (GSS code or name), the employment trajectory and why rows are
    not rated. LookupError for an unknown area."""
    geo = conn.execute(
        "select geography_code, geography_name from published.dim_geography "
        "where geography_code = ? or lower(geography_name) = lower(?)",
        [geography, geography],
    ).fetchone()
    if geo is None:
        raise LookupError(f"Unknown geography {geography!r}")
    rows = conn.execute(
        """
        select d.indicator_name, f.period_start, f.period_end, f.value, d.unit, f.lci_95, f.uci_95,
               f.baseline_value, f.change_since_baseline, f.rag_status, f.rag_reason, f.note
        from published.fct_plan_indicators f join published.dim_indicator d using (indicator_id)
        where f.geography_code = ? and f.is_latest
        order by d.display_order""",
        [geo[0]],
    ).fetchall()
    out = [
        f"Get East Midlands Working Plan indicators: {geo[1]} ({geo[0]}) [published.fct_plan_indicators]\n",
        format_tracker([r[:-1] for r in rows]),
    ]
    t = conn.execute(
        """
        select geography_name, latest_period_end, latest_value, lci_95, uci_95, target_value, target_year,
               required_annual_change_pp, latest_annual_change_pp, latest_change_lci_95, latest_change_uci_95,
               path_status, extra_people_in_work_needed
        from published.fct_employment_trajectory where geography_code = ?""",
        [geo[0]],
    ).fetchone()
    if t:
        out.append("\nTrajectory: " + format_trajectory(t))
    why = [f"  {r[0]}: {r[-1]}" for r in rows if r[9] == "not rated" and r[-1]]
    if why:  # a reader must see why a measured indicator carries no RAG
        out.append("\nNot rated:\n" + "\n".join(why))
    return "\n".join(out)


def pathways_report(conn, query: str, soc: str, title: str, how: str, top: int) -> str:
    """The top steps from one unit group, in the ranker's order, with why, routes, barriers and ladders."""
    rows = conn.execute(
        """
        select step_type, destination_soc2020, destination_title, step_score, destination_pay, uplift_pct,
               destination_local_adverts_live, learning_route, barriers, destination_pay_measured, why
        from published.fct_escalator_transitions
        where origin_soc2020 = ? and step_type is not null and step_rank <= ?
        order by step_type desc, step_rank""",
        [soc, top],
    ).fetchall()
    pay = conn.execute(
        "select any_value(origin_pay) from published.fct_escalator_transitions where origin_soc2020 = ?", [soc]
    ).fetchone()[0]
    out = [
        f"{query!r} -> {soc} {title} [{how}]; ASHE median full-time pay "
        + (f"£{pay:,.0f}" if pay else "n/a")
        + "  (published.fct_escalator_transitions)\n"
    ]
    if not rows:
        out.append("No get-on or get-up steps meet the thresholds for this occupation.")
        return "\n".join(out)
    out.append(format_steps(rows))
    ladders = conn.execute(
        """
        select n_rungs, rung1_title, rung2_title, rung3_title, cumulative_uplift_pct, all_pay_measured
        from published.fct_escalator_ladders where origin_soc2020 = ? and ladder_rank <= 2
        order by n_rungs, ladder_rank""",
        [soc],
    ).fetchall()
    if ladders:
        out.append("\nLadders (each rung a get-up step from the one below):")
        for _n, r1, r2, r3, up, measured in ladders:
            rungs = " -> ".join(r for r in (r1, r2, r3) if r)
            out.append(f"  {title} -> {rungs}: {up:+.0f}% pay" + ("" if measured else " (some pay borrowed)"))
    return "\n".join(out)
