"""What the data-status strip says: last refresh, last publication, check outcomes, feed freshness."""

from datetime import UTC, datetime

from assets.platform.warehouse import table_exists


def _age(value) -> str:
    if value is None:
        return "no data"
    stamp = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    days = (datetime.now(UTC).replace(tzinfo=None) - stamp).days
    return f"{stamp:%d %b %Y}" + (f" ({days} days ago)" if days > 1 else "")


def collect_status(conn) -> dict:
    status: dict = {}
    last_pub = None
    if table_exists(conn, "ops.publications"):
        row = conn.execute(
            "select version, published_at from ops.publications order by published_at desc limit 1"
        ).fetchone()
        if row:
            last_pub = row[1]
            status["publication"] = f"{row[0]} ({row[1]:%d %b %Y %H:%M} UTC)"
    last_fail = None
    if table_exists(conn, "ops.refresh_failures"):
        last_fail = conn.execute(
            "select step_key, failed_at from ops.refresh_failures order by failed_at desc limit 1"
        ).fetchone()
    if last_fail and (last_pub is None or last_fail[1] > last_pub):
        status["failed"] = f"step {last_fail[0]} at {last_fail[1]:%d %b %Y %H:%M} UTC"
    times = [t for t in (last_pub, last_fail[1] if last_fail else None) if t]
    status["last_refresh"] = f"{max(times):%d %b %Y %H:%M} UTC" if times else "never"
    if table_exists(conn, "ops.check_runs"):
        run = conn.execute("select run_id from ops.check_runs order by evaluated_at desc limit 1").fetchone()
        if run:
            passed, total = conn.execute(
                "select count(*) filter (where passed), count(*) from ops.check_runs where run_id = ?", [run[0]]
            ).fetchone()
            status["checks"] = f"{passed} of {total} suites passed"
            status["checks_failed"] = total - passed
    fresh, stale = [], []
    if table_exists(conn, "published.feed_status"):
        for label, latest, cadence, is_stale in conn.execute(
            "select label, latest_data, cadence_days, stale from published.feed_status "
            "where on_status_strip order by feed"
        ).fetchall():
            fresh.append(f"{label} {_age(latest)}" + (f" - older than its {cadence:g}-day cadence" if is_stale else ""))
            if is_stale:
                stale.append(label)
    status["freshness"] = "; ".join(fresh)
    status["stale"] = stale
    return status
