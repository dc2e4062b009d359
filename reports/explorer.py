"""The escalator explorer: search an occupation, see its get-on and get-up steps, per local authority."""

import json

from assets.platform.warehouse import table_exists
from reports.page import COLOURS, esc

TOP_STEPS = 10
# Quick picks on an empty page: common entry-level occupations (care, retail, cleaning, kitchen, warehouse,
# delivery); each is shown only if it has steps.
STARTING_POINTS = ["6135", "7111", "9223", "9263", "9252", "8214"]


def load(conn) -> dict:
    occ = conn.execute("""
        select soc2020, soc2020_title, median_annual_pay, pay_level, related_job_titles
        from published.dim_occupation order by 1""").fetchall()
    # one entry per destination (a step can be both get on and get up), in the ranker's order
    steps = conn.execute(f"""
        select origin_soc2020, string_agg(step_type, ' / ' order by step_type desc), destination_soc2020,
               any_value(destination_title), any_value(destination_pay), any_value(uplift_pct),
               any_value(step_score), any_value(destination_local_adverts_live),
               concat_ws(' | ', any_value(learning_route),
                         case when any_value(barriers) is not null then 'Barriers: ' || any_value(barriers) end),
               any_value(destination_pay_level), any_value(why)
        from published.fct_escalator_transitions
        where step_type is not null and origin_rank <= {TOP_STEPS}
        group by origin_soc2020, destination_soc2020
        order by origin_soc2020, min(origin_rank)""").fetchall()
    ladders = (
        conn.execute("""
        select origin_soc2020, rung1_title, rung2_title, rung3_title, cumulative_uplift_pct
        from published.fct_escalator_ladders where ladder_rank <= 2
        order by origin_soc2020, n_rungs, ladder_rank""").fetchall()
        if table_exists(conn, "published.fct_escalator_ladders")
        else []
    )
    area = conn.execute("""select la_code, la_name, origin_soc2020, step_type, destination_soc2020, la_adverts_live
                           from published.fct_escalator_pathways_by_area order by la_code, origin_soc2020, step_rank
                        """).fetchall()
    data: dict = {"occ": {}, "steps": {}, "las": {}, "area": {}, "ladders": {}, "titles": index_titles(conn)}
    for origin, r1, r2, r3, uplift in ladders:
        data["ladders"].setdefault(origin, []).append([" → ".join(r for r in (r1, r2, r3) if r), uplift])
    for soc, title, pay, level, related in occ:
        search = f"{soc} {title} {(related or '').replace('~', ' ')}".lower()
        data["occ"][soc] = [title, round(pay) if pay else None, level or "", search]
    for origin, step, dest, title, pay, uplift, score, ads, route, level, why in steps:
        data["steps"].setdefault(origin, []).append(
            [
                step,
                dest,
                title,
                round(pay) if pay else None,
                uplift,
                round(score, 2),
                ads,
                route,
                level != "unit group",
                why,
            ]
        )
    for la, name, origin, step, dest, ads in area:
        data["las"][la] = name
        data["area"].setdefault(la, {}).setdefault(origin, []).append([step, dest, ads])
    return data


def index_titles(conn) -> dict[str, list]:
    """Every ONS coding-index title (lower case, as typed) -> the SOC 2020 code the title coder gives it on
    its own (published.dim_job_title), so the search finds "care worker" -> 6135 the way
    `escalator code-titles` does."""
    return {
        t: [code, conf]
        for t, code, conf in conn.execute(
            "select job_title, soc2020, confidence from published.dim_job_title"
        ).fetchall()
    }


SCRIPT = """
<script>
const D = JSON.parse(document.getElementById('escalator-data').textContent);
const C = %(colours)s;
const $ = (id) => document.getElementById(id);
function money(v){ return v == null ? 'n/a' : '£' + v.toLocaleString('en-GB'); }
function search(){
  const q = $('occupation-search').value.trim().toLowerCase().replace(/\\s+/g, ' ');
  const out = $('results'); out.innerHTML = '';
  if (!q) { $('result-count').textContent = ''; $('detail').hidden = true; return; }
  const words = q.split(' ');
  // an ONS coding-index title first (as the title coder reads it), then unit groups whose title or
  // related job titles contain every word
  const hit = D.titles[q] || D.titles[q.replace(/s$/, '')];
  const coded = hit ? hit[0] : null;
  let hits = Object.entries(D.occ).filter(([c, o]) => words.every(w => o[3].includes(w.replace(/s$/, ''))));
  if (coded) hits = [[coded, D.occ[coded]]].concat(hits.filter(([c]) => c !== coded));
  if (!hits.length) { $('detail').hidden = true; $('steps').innerHTML = ''; }  // no match: old steps go
  $('result-count').textContent = hits.length + ' occupation' + (hits.length === 1 ? '' : 's') + ' found';
  hits.slice(0, 25).forEach(([code, o]) => {
    const b = document.createElement('button'); b.className = 'result'; b.type = 'button';
    b.textContent = code + ' ' + o[0] + (code === coded ? ' (ONS coding index title "' + q + '", coder confidence ' +
        hit[1].toFixed(2) + ')' : '');
    b.dataset.soc = code; b.onclick = () => show(code);
    out.appendChild(b);
  });
  if (!hits.length) suggest(q, out);
}
function suggest(q, out){
  // close matches: index titles sharing the longest start with a word typed (a typo late in the word)
  const words = q.split(' ').filter(w => w.length >= 3);
  let best = [], len = 3;
  for (const t of Object.keys(D.titles)) {
    for (const w of words) {
      let k = 0; while (k < w.length && k < t.length && w[k] === t[k]) k++;
      if (k > len) { best = [t]; len = k; } else if (k === len && k > 3 && best.length < 6) best.push(t);
    }
  }
  if (!best.length) { $('result-count').textContent = 'No occupation found. Try another job title or a SOC code.'; return; }
  $('result-count').textContent = 'No occupation found. Did you mean:';
  best.slice(0, 6).forEach(t => {
    const b = document.createElement('button'); b.className = 'result'; b.type = 'button';
    b.textContent = t; b.dataset.suggestion = t;
    b.onclick = () => { $('occupation-search').value = t; search(); };
    out.appendChild(b);
  });
}
function show(code){
  const o = D.occ[code]; const la = $('la').value;
  let steps = D.steps[code] || [];
  let note = 'Best steps across EMCCA, ranked by the model: how likely careers advisers are to name the move.';
  if (la && D.area[la] && D.area[la][code]) {
    // the area's steps in its own order (weighted by local adverts), one card per destination
    const local = D.area[la][code]; const byDest = new Map(steps.map(s => [s[1], s]));
    steps = [...new Set(local.map(s => s[1]))].map(d => byDest.get(d)).filter(Boolean);
    note = 'Best steps in ' + D.las[la] + ', weighted by that area\\'s live adverts.';
  }
  $('selected').textContent = code + ' ' + o[0];
  $('selected-pay').textContent = 'ASHE 2023 median full-time pay: ' + money(o[1]) +
      (o[2] && o[2] !== 'unit group' ? ' (' + o[2] + ')' : '');
  $('steps-note').textContent = note;
  // one card per step: pay and uplift on one line, then why and the route, so nothing is squeezed into a
  // narrow column at 390 px
  const rows = steps.map(s => '<li class="step"><h4>' + s[2] + ' <span class="tag">' + s[0] + '</span></h4>' +
      '<p class="figures">' + money(s[3]) + (s[8] ? '*' : '') + ' a year · ' + (s[4] > 0 ? '+' : '') + s[4] +
      '%% pay · ' + s[6] + ' live local adverts · score ' + s[5].toFixed(2) + ' · SOC ' + s[1] + '</p>' +
      '<p><strong>Why:</strong> ' + s[9] + '</p><p><strong>Route in:</strong> ' +
      (s[7] || 'not in the National Careers Service profiles') + '</p></li>').join('');
  const lad = (D.ladders[code] || []).map(l => '<li>' + o[0] + ' → ' + l[0] + ' (' + (l[1] > 0 ? '+' : '') + l[1] + '%% pay)</li>').join('');
  $('ladders').innerHTML = lad || '<li>No two-rung ladder within one line of work.</li>';
  $('steps').innerHTML = rows || '<li>No get-on or get-up steps for this occupation.</li>';
  const ladder = [[o[0] + ' (now)', o[1], C.grey]].concat(steps.map(s => [s[2] + ' (' + s[0] + ')', s[3],
      s[0] === 'get up' ? C.blue : C.orange])).sort((a, b) => (a[1] || 0) - (b[1] || 0));
  Plotly.react('ladder', [{type: 'bar', orientation: 'h', x: ladder.map(l => l[1]), y: ladder.map(l => l[0]),
      marker: {color: ladder.map(l => l[2])}, hovertemplate: '%%{y}: £%%{x:,.0f}<extra></extra>'}],
      {margin: {l: 10, r: 20, t: 10, b: 50}, yaxis: {automargin: true}, height: 120 + 34 * ladder.length,
       xaxis: {title: {text: 'Median full-time annual pay (£ a year)'}, tickprefix: '£', tickformat: ',.0f'},
       font: {family: 'Arial', size: 13}},
      {displaylogo: false, responsive: true, displayModeBar: false});
  $('ladder-alt').textContent = 'Pay ladder from ' + o[0] + ' (' + money(o[1]) + '): ' +
      steps.map(s => s[2] + ' ' + money(s[3]) + ' (' + s[0] + ')').join('; ') + '.';
  $('detail').hidden = false;
}
document.querySelectorAll('#starting-points button').forEach(b => b.onclick = () => {
  $('occupation-search').value = D.occ[b.dataset.soc][0]; search(); show(b.dataset.soc); });
$('occupation-search').addEventListener('input', search);
$('search-form').addEventListener('submit', (e) => { e.preventDefault(); search();
  const first = document.querySelector('#results button[data-soc]'); if (first) first.click(); });
$('la').addEventListener('change', () => { const s = $('selected').textContent.split(' ')[0]; if (s) show(s); });
</script>
"""


def build(conn) -> tuple[str, str, str]:
    data = load(conn)
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")  # safe inside <script>
    options = "".join(
        f'<option value="{code}">{name}</option>' for code, name in sorted(data["las"].items(), key=lambda x: x[1])
    )
    picks = "".join(
        f'<button type="button" class="pick" data-soc="{code}">{esc(data["occ"][code][0])}</button>'
        for code in STARTING_POINTS
        if code in data["steps"]
    )
    starts = f'<p class="small">Common starting points: <span id="starting-points">{picks}</span></p>' if picks else ""
    body = f"""
<p>Start from the occupation someone holds today (or held last). The steps are the moves careers advisers would
most likely name, as a model trained on the National Careers Service's own career paths ranks them (README "How the
escalator decides"; on occupations it never saw, about half the moves advisers name are in its top 10).
<strong>Get up</strong> steps are a next rung: more pay (up to double), reached without a prior degree (a
graduate-entry job appears only with a route that needs none, such as a degree apprenticeship, which the route
states). <strong>Get on</strong> steps are routes into work for someone out of work: jobs the National Careers
Service says you can apply for directly or reach by a short course or level 2 apprenticeship, with no degree and
local demand. <strong>Move across</strong> steps are sideways moves at about the same pay (at most 10% less) that
careers advisers name as a way into other work. Each step says why it is there and gives the route in and the barriers (checks, licences, shifts). Pay
is the ONS ASHE 2023 provisional median for full-time employees; * marks pay whose unit-group median ONS suppresses:
estimated from the group's own mean pay where ONS publishes it, else read from the wider occupation group.</p>
<form id="search-form" role="search"><label for="occupation-search"><strong>Find an occupation</strong> (job title or
SOC 2020 code)</label><br><input id="occupation-search" type="search" size="40" autocomplete="off"
aria-describedby="result-count"> <button type="submit">Show steps</button>
<label for="la" style="margin-left:16px">Area</label> <select id="la"><option value="">All EMCCA</option>{options}
</select></form>{starts}
<p id="result-count" class="muted small" aria-live="polite"></p><div id="results"></div>
<section id="detail" hidden aria-live="polite"><h2 id="selected"></h2><p id="selected-pay"></p><p id="steps-note"
class="muted"></p>
<h3>Steps from this occupation</h3><ol id="steps" class="steps"></ol>
<h3>Ladders: two or three rungs up</h3><ul id="ladders"></ul>
<figure role="group" aria-labelledby="ladder-alt"><div id="ladder"></div><figcaption id="ladder-alt"></figcaption></figure>
</section>
<script type="application/json" id="escalator-data">{payload}</script>
"""
    return "Escalator explorer", body, SCRIPT % {"colours": json.dumps(COLOURS)}
