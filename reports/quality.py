"""Data quality: the great-expectations validation results of the latest run, and their history."""

import json
from pathlib import Path

from assets.platform.warehouse import table_exists
from reports.page import esc


def build(conn) -> tuple[str, str]:
    if not table_exists(conn, "ops.check_runs"):
        return "Data quality", "<p>No validation has run yet.</p>"
    latest = conn.execute("""
        select suite, table_name, passed, evaluated, failed, row_count, failed_expectations, evaluated_at, run_id
        from ops.check_runs qualify row_number() over (partition by suite order by evaluated_at desc) = 1
        order by passed, suite""").fetchall()
    rows, details = [], []
    for suite, table, passed, evaluated, failed, n, failures, at, run in latest:
        verdict = "<span class=pass>passed</span>" if passed else "<span class=fail>FAILED</span>"
        if passed and n == 0:  # an empty table passes every column check vacuously: say so
            verdict += " <span class=small>(empty: no rows to check; its source is not connected)</span>"
        rows.append(
            f"<tr><td><a href='#suite-{esc(suite)}'>{esc(suite)}</a></td><td>{esc(table)}</td><td>{verdict}</td>"
            f"<td class=num>{evaluated}</td><td class=num>{failed}</td><td class=num>{n:,}</td>"
            f"<td>{at:%d %b %Y %H:%M}</td><td class=small>{esc(run[:8])}</td></tr>"
        )
        items = json.loads(failures) if isinstance(failures, str) else (failures or [])
        if items:
            lis = "".join(
                f"<li><code>{esc(f.get('expectation'))}</code> on <code>{esc(f.get('column'))}</code>: "
                f"{esc(f.get('unexpected_count') or 'table-level')} unexpected"
                f"{'; observed ' + esc(f.get('observed')) if f.get('observed') is not None else ''}"
                f"{'; sample: ' + esc(json.dumps(f.get('sample_rows') or f.get('sample_values'), default=str)[:400]) if (f.get('sample_rows') or f.get('sample_values')) else ''}</li>"
                for f in items
            )
            details.append(f"<h3>{esc(suite)} ({esc(table)}): failed</h3><ul>{lis}</ul>")
    baselines = _baseline_section(conn)
    history = conn.execute("""
        select run_id, min(evaluated_at), count(*) filter (where passed), count(*)
        from ops.check_runs group by 1 order by 2 desc limit 20""").fetchall()
    hist = "".join(
        f"<tr><td>{esc(r[:8])}</td><td>{t:%d %b %Y %H:%M}</td><td class=num>{p} of {n}</td></tr>"
        for r, t, p, n in history
    )
    body = (
        "<p>Every feed and published mart is validated by a great-expectations suite (stored under "
        "<code>expectations/gx/</code>) before anything is published. A failed suite blocks publication: the "
        "previous publication stays in place.</p>"
        "<h2>Latest result per suite</h2><table><thead><tr><th scope=col>Suite</th><th scope=col>Table</th>"
        "<th scope=col>Result</th><th scope=col>Expectations</th><th scope=col>Failed</th><th scope=col>Rows</th>"
        f"<th scope=col>Validated</th><th scope=col>Run</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (
            "<h2>Failed expectations</h2>" + "".join(details)
            if details
            else "<p class=pass>No failed expectations.</p>"
        )
        + baselines
        + _suite_definitions([r[0] for r in latest])
        + "<h2>Recent validation runs</h2><table><thead><tr><th scope=col>Run</th><th scope=col>Validated</th>"
        f"<th scope=col>Suites passed</th></tr></thead><tbody>{hist}</tbody></table>"
    )
    return "Data quality", body


GX_EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations" / "gx" / "expectations"


def _suite_definitions(suites: list[str]) -> str:
    """What each suite checks, from the committed great-expectations suites: the target of every link in
    the results table."""
    parts = []
    for suite in suites:
        path = GX_EXPECTATIONS / f"{suite}.json"
        items = json.loads(path.read_text())["expectations"] if path.exists() else []
        lis = "".join(
            f"<li><code>{esc(e['type'])}</code>"
            + (
                f" on <code>{esc(e['kwargs'].get('column') or e['kwargs'].get('column_list'))}</code>"
                if e["kwargs"].get("column") or e["kwargs"].get("column_list")
                else ""
            )
            + "</li>"
            for e in items
        )
        parts.append(f"<h3 id='suite-{esc(suite)}'>{esc(suite)}</h3><ul class=small>{lis or '<li>not found</li>'}</ul>")
    return "<h2 id='suites'>What each suite checks</h2>" + "".join(parts)


def _baseline_section(conn) -> str:
    """Plan baselines that none of their series' values around the baseline year match: not a failed check
    (the tracker still publishes, unrated), but something the Partnership should resolve with the Plan."""
    if not table_exists(conn, "published.fct_plan_indicators"):
        return ""
    rows = conn.execute("""
        select indicator_name, geography_name, note from published.fct_plan_indicators
        where is_latest and baseline_check = 'differs from series' order by indicator_name""").fetchall()
    if not rows:
        return "<h2 id='baselines'>Plan baselines</h2><p class=pass>Every checked Plan baseline matches its series.</p>"
    items = "".join(f"<li><strong>{esc(name)}</strong> ({esc(geo)}): {esc(note)}</li>" for name, geo, note in rows)
    return (
        f"<h2 id='baselines'>Plan baselines to check</h2><p>These rows are published but not rated: the "
        f"Plan's baseline matches none of the series' values around the baseline year.</p><ul>{items}</ul>"
    )
