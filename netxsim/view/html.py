"""One self-contained HTML page for a recorded run: thread timeline, pool occupancy, TCP
ladders with the application dialogue, and the event list. Everything is inline (data as
JSON, a small script that draws and zooms the timeline); the page fetches nothing."""
from __future__ import annotations

import html
import json
from typing import Any, Iterable

from .model import (
    Connection, build_connections, build_pools, build_timeline, dialogue_lines, frames_from,
)
from .trx import ISR_THREAD, Trace, parse_trx

MAX_EVENT_ROWS = 5000


def _mode_data(trace: Trace, mode: str, cycles_per_tick: int) -> dict[str, Any]:
    timeline = build_timeline(trace, mode)
    pools = build_pools(trace, mode)
    ticks: list[list[int]] = []
    if mode == "time" and trace.events:
        first, last = trace.events[0].time // cycles_per_tick, trace.events[-1].time // cycles_per_tick
        step = max(1, (last - first) // 20)
        ticks = [[t * cycles_per_tick, t] for t in range(first, last + 2, step)]
    elif trace.events:
        # In event order, mark where each tick begins.
        previous = None
        for event in trace.events:
            tick = event.time // cycles_per_tick
            if tick != previous:
                ticks.append([event.index, tick])
                previous = tick
    return {
        "start": timeline.start, "end": timeline.end, "ticks": ticks,
        "rows": [{"name": row.name, "priority": row.priority,
                  "spans": [[s.start, s.end, s.state, s.detail] for s in row.spans],
                  "running": [[s.start, s.end] for s in row.running]} for row in timeline.rows],
        "interrupts": [[s.start, s.end, s.detail] for s in timeline.interrupts],
        "preemptions": [[x, text] for x, text in timeline.preemptions],
        "pools": [{"name": p.name, "kind": p.kind, "total": p.total, "points": p.points} for p in pools],
    }


def _ladder_svg(connection: Connection) -> str:
    """A static ladder: client on the left, server on the right, one row per segment."""
    row, width, left, right = 22, 1100, 150, 570
    height = row * (len(connection.segments) + 2)
    parts = [f'<svg class="ladder" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<text x="{left}" y="14" text-anchor="middle" class="end">{html.escape(connection.client[0])}'
             f':{connection.client[1]} (client)</text>',
             f'<text x="{right}" y="14" text-anchor="middle" class="end">{html.escape(connection.server[0])}'
             f':{connection.server[1]} (server)</text>',
             f'<line x1="{left}" y1="20" x2="{left}" y2="{height}" class="axis"/>',
             f'<line x1="{right}" y1="20" x2="{right}" y2="{height}" class="axis"/>']
    for index, segment in enumerate(connection.segments):
        y = row * (index + 1) + 12
        x1, x2 = (left, right) if segment.from_client else (right, left)
        lost = segment.fate not in ("delivered",)
        css = "seg lost" if lost else ("seg retx" if segment.retransmission else "seg")
        label = f"{segment.flags} seq={segment.seq}"
        if segment.ack is not None:
            label += f" ack={segment.ack}"
        label += f" win={segment.window} len={segment.length}"
        if segment.retransmission:
            label += " (retransmission)"
        if lost:
            label += f" ({segment.fate})"
        end_x = (x1 + x2) / 2 if lost else x2
        parts.append(f'<line x1="{x1}" y1="{y - 6}" x2="{end_x}" y2="{y + 6}" class="{css}" '
                     f'marker-end="url(#arrow)"><title>tick {segment.tick}</title></line>')
        if lost:
            parts.append(f'<text x="{end_x + 4}" y="{y + 10}" class="cross">✕</text>')
        parts.append(f'<text x="{(left + right) / 2}" y="{y - 3}" text-anchor="middle" class="lbl">'
                     f'{html.escape(label)}</text>')
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" class="tick">tick {segment.tick}</text>')
        lines = dialogue_lines(segment.payload) if segment.payload else []
        if lines:
            side_x, anchor = (right + 8, "start") if segment.from_client else (right + 8, "start")
            text = " ⏎ ".join(lines)
            who = "C:" if segment.from_client else "S:"
            parts.append(f'<text x="{side_x}" y="{y + 4}" text-anchor="{anchor}" class="app">'
                         f'{html.escape(who + " " + text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _dialogue_table(connection: Connection) -> str:
    rows = []
    for segment in connection.segments:
        if not segment.payload:
            continue
        who = "client → server" if segment.from_client else "server → client"
        note = " (retransmission)" if segment.retransmission else ""
        text = html.escape("\n".join(dialogue_lines(segment.payload, 200)))
        rows.append(f"<tr><td>{segment.tick}</td><td>{who}{note}</td><td><pre>{text}</pre></td></tr>")
    if not rows:
        return ""
    return ('<table class="dialogue"><tr><th>tick</th><th>direction</th><th>application data</th></tr>'
            + "".join(rows) + "</table>")


def render_html(data: Any, frames: Iterable | None = None, title: str = "netxsim run",
                cycles_per_tick: int = 10_000) -> str:
    """The HTML page for a trace buffer (bytes or parsed) and, optionally, the frames the
    segment carried (a frame log, pcap records, or (tick, bytes) pairs). ``data`` may also
    be a run (``tx_kernel_enter``'s result): its trace buffer and logged frames are used."""
    if hasattr(data, "trace_buffer") and hasattr(data, "kernel"):
        if data.trace_buffer is None:
            raise ValueError("the run recorded no trace: call tx_trace_enable (or use with_trace)")
        if frames is None:
            from . import run_frames
            frames = run_frames(data)
        data = data.trace_buffer
    trace = data if isinstance(data, Trace) else parse_trx(data)
    frame_list = frames_from(frames) if frames is not None else []
    payload = {"modes": {mode: _mode_data(trace, mode, cycles_per_tick) for mode in ("order", "time")},
               "cyclesPerTick": cycles_per_tick}
    connections = build_connections(frame_list, trace) if frame_list else []
    ladders = "".join(
        f"<h3>{html.escape(c.title)}</h3>{_ladder_svg(c)}{_dialogue_table(c)}" for c in connections
    ) or "<p>No frames given (pass a pcap with <code>--pcap</code>, or the segment's frame log).</p>"
    event_rows = []
    for event in trace.events[:MAX_EVENT_ROWS]:
        who = "ISR" if event.thread == ISR_THREAD else trace.name_of(event.thread)
        info = " ".join(trace.name_of(v) if v in trace.objects else f"0x{v:X}" for v in event.info)
        event_rows.append(f"<tr><td>{event.index}</td><td>{event.time}</td><td>{html.escape(who)}</td>"
                          f"<td>{html.escape(event.name)}</td><td>{html.escape(info)}</td></tr>")
    more = f"<p>… {len(trace.events) - MAX_EVENT_ROWS} more events</p>" if len(trace.events) > MAX_EVENT_ROWS else ""
    objects = "".join(f"<tr><td>0x{o.address:08X}</td><td>{html.escape(o.kind_name)}</td>"
                      f"<td>{html.escape(o.name)}</td><td>{o.parameter_1}</td><td>{o.parameter_2}</td></tr>"
                      for o in trace.objects.values())
    first = trace.events[0].time if trace.events else 0
    last = trace.events[-1].time if trace.events else 0
    summary = (f"{len(trace.events)} events{' (the buffer wrapped: the oldest are gone)' if trace.wrapped else ''}, "
               f"{len(trace.objects)} objects, time stamps {first} to {last} "
               f"(ticks {first // cycles_per_tick} to {last // cycles_per_tick} at {cycles_per_tick} cycles per tick)")
    return (_TEMPLATE.replace("__TITLE__", html.escape(title))
            .replace("__SUMMARY__", html.escape(summary))
            .replace("__DATA__", json.dumps(payload, separators=(",", ":")).replace("</", "<\\/"))
            .replace("__LADDERS__", ladders)
            .replace("__OBJECTS__", objects)
            .replace("__EVENTS__", "".join(event_rows) + "")
            .replace("__MORE__", more))


def write_html(data: Any, path: str, frames: Iterable | None = None, title: str = "netxsim run",
               cycles_per_tick: int = 10_000) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(render_html(data, frames, title, cycles_per_tick))


_TEMPLATE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font:14px system-ui,sans-serif;margin:16px;color:#1a202c}
h1{font-size:20px}h2{font-size:17px;margin-top:28px}h3{font-size:15px}
#controls{margin:6px 0}#controls button,#controls label{margin-right:10px}
#timeline,#pools{border:1px solid #cbd5e0;background:#fff;user-select:none}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px}
svg text{font:11px system-ui,sans-serif}
.ladder .axis{stroke:#4a5568;stroke-width:2}.ladder .end{font-weight:bold}
.ladder .seg{stroke:#2b6cb0;stroke-width:1.5}.ladder .retx{stroke:#d69e2e;stroke-width:2}
.ladder .lost{stroke:#e53e3e;stroke-dasharray:4 3}.ladder .cross{fill:#e53e3e;font-size:13px}
.ladder .lbl{fill:#2d3748}.ladder .tick{fill:#718096}.ladder .app{fill:#276749;font-family:monospace}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #e2e8f0;padding:2px 6px;text-align:left;vertical-align:top}
pre{margin:0;font-size:12px}
</style></head><body>
<h1>__TITLE__</h1><p>__SUMMARY__</p>
<h2>Thread timeline</h2>
<div id="controls">
<label><input type="radio" name="mode" value="order" checked> event order</label>
<label><input type="radio" name="mode" value="time"> time stamps</label>
<button id="zoomin">zoom in</button><button id="zoomout">zoom out</button><button id="reset">reset</button>
<span>(wheel to zoom, drag to pan)</span></div>
<div class="legend" id="legend"></div>
<svg id="timeline" width="1100" height="100"></svg>
<h2>Pool occupancy (free units)</h2>
<svg id="pools" width="1100" height="60"></svg>
<h2>TCP connections</h2>
<svg width="0" height="0"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2b6cb0"/></marker></defs></svg>
__LADDERS__
<h2>Objects</h2>
<table><tr><th>address</th><th>type</th><th>name</th><th>parameter 1</th><th>parameter 2</th></tr>__OBJECTS__</table>
<h2>Events</h2>
<details><summary>all events, oldest first</summary>
<table><tr><th>#</th><th>time stamp</th><th>context</th><th>event</th><th>information fields</th></tr>__EVENTS__</table>__MORE__</details>
<script>
const DATA = __DATA__;
const COLORS = {"running":"#2b6cb0","ready":"#9ae6b4","sleep":"#e2e8f0","suspended":"#cbd5e0",
 "completed":"#a0aec0","terminated":"#a0aec0","interrupt":"#e53e3e"};
function color(state){return COLORS[state] || "#fbd38d";}
const NS = "http://www.w3.org/2000/svg";
let mode = "order", view = null;
const LEFT = 170, RIGHT = 1090, ROW = 22;
function el(parent, name, attrs, text){const e=document.createElementNS(NS,name);
 for(const k in attrs) e.setAttribute(k, attrs[k]); if(text!==undefined) e.textContent=text; parent.appendChild(e); return e;}
function sx(x){return LEFT + (x - view[0]) / (view[1] - view[0]) * (RIGHT - LEFT);}
function clipRect(parent, a, b, y, h, fill, tip){
 if (b < view[0] || a > view[1]) return;
 const x1 = Math.max(sx(a), LEFT), x2 = Math.min(sx(b), RIGHT);
 const r = el(parent, "rect", {x:x1, y:y, width:Math.max(x2 - x1, 0.8), height:h, fill:fill});
 if (tip) el(r, "title", {}, tip);}
function axis(svg, d, y){
 el(svg, "line", {x1:LEFT, y1:y, x2:RIGHT, y2:y, stroke:"#718096"});
 let last = -1e9;
 for (const [x, tick] of d.ticks){ if (x < view[0] || x > view[1]) continue; const px = sx(x);
  if (px - last < 45) continue; last = px;
  el(svg, "line", {x1:px, y1:y, x2:px, y2:y+4, stroke:"#718096"});
  el(svg, "text", {x:px, y:y+15, "text-anchor":"middle", fill:"#4a5568"}, "tick " + tick);}}
function drawTimeline(){
 const d = DATA.modes[mode], svg = document.getElementById("timeline");
 svg.innerHTML = "";
 const rows = d.rows.length + 1, height = rows * ROW + 40;
 svg.setAttribute("height", height);
 d.rows.forEach((row, i) => {
  const y = 8 + i * ROW;
  el(svg, "text", {x:LEFT - 6, y:y + 13, "text-anchor":"end"}, row.name + (row.priority !== null ? " (" + row.priority + ")" : ""));
  el(svg, "rect", {x:LEFT, y:y + 2, width:RIGHT - LEFT, height:ROW - 6, fill:"#f7fafc"});
  for (const [a, b, state, detail] of row.spans) clipRect(svg, a, b, y + 2, ROW - 6, color(state), state + (detail ? " " + detail : ""));
  for (const [a, b] of row.running) clipRect(svg, a, b, y + 5, ROW - 12, COLORS.running, "running");});
 const iy = 8 + d.rows.length * ROW;
 el(svg, "text", {x:LEFT - 6, y:iy + 13, "text-anchor":"end"}, "interrupts");
 for (const [a, b, detail] of d.interrupts) clipRect(svg, a, b, iy + 2, ROW - 6, COLORS.interrupt, detail);
 for (const [x, text] of d.preemptions){ if (x < view[0] || x > view[1]) continue;
  const p = el(svg, "path", {d:`M${sx(x)},4 l-4,-4 h8 z`, fill:"#805ad5"}); el(p, "title", {}, text);}
 axis(svg, d, rows * ROW + 12);}
function drawPools(){
 const d = DATA.modes[mode], svg = document.getElementById("pools");
 svg.innerHTML = "";
 const h = 46, height = Math.max(d.pools.length, 1) * (h + 12) + 30;
 svg.setAttribute("height", height);
 if (!d.pools.length){ el(svg, "text", {x:LEFT, y:20}, "no pool events recorded"); return; }
 d.pools.forEach((pool, i) => {
  const top = 6 + i * (h + 12), max = Math.max(pool.total || 0, ...pool.points.map(p => p[1]), 1);
  el(svg, "text", {x:LEFT - 6, y:top + h / 2, "text-anchor":"end"}, pool.name);
  el(svg, "text", {x:LEFT - 6, y:top + h / 2 + 12, "text-anchor":"end", fill:"#718096"}, pool.kind + ", max " + max);
  el(svg, "rect", {x:LEFT, y:top, width:RIGHT - LEFT, height:h, fill:"#f7fafc"});
  let path = "", prev = null;
  for (const [x, v] of pool.points){ const px = Math.min(Math.max(sx(x), LEFT), RIGHT), py = top + h - v / max * h;
   path += prev === null ? `M${px},${py}` : `H${px}V${py}`; prev = py; }
  path += `H${RIGHT}`;
  el(svg, "path", {d:path, fill:"none", stroke:"#2f855a", "stroke-width":1.5});});
 axis(svg, d, height - 22);}
function draw(){ drawTimeline(); drawPools(); }
function reset(){ const d = DATA.modes[mode]; view = [d.start, Math.max(d.end, d.start + 1)]; draw(); }
function zoom(factor, centre){ const w = view[1] - view[0], c = centre === undefined ? (view[0] + view[1]) / 2 : centre;
 const nw = Math.max(w * factor, 2); view = [c - (c - view[0]) * nw / w, c + (view[1] - c) * nw / w]; draw(); }
document.querySelectorAll("input[name=mode]").forEach(r => r.addEventListener("change", e => { mode = e.target.value; reset(); }));
document.getElementById("zoomin").onclick = () => zoom(0.5);
document.getElementById("zoomout").onclick = () => zoom(2);
document.getElementById("reset").onclick = reset;
for (const id of ["timeline", "pools"]){
 const svg = document.getElementById(id); let drag = null;
 svg.addEventListener("wheel", e => { e.preventDefault(); const r = svg.getBoundingClientRect();
  const x = view[0] + (e.clientX - r.left - LEFT) / (RIGHT - LEFT) * (view[1] - view[0]);
  zoom(e.deltaY < 0 ? 0.8 : 1.25, x); }, {passive:false});
 svg.addEventListener("mousedown", e => { drag = [e.clientX, view.slice()]; });
 window.addEventListener("mouseup", () => { drag = null; });
 window.addEventListener("mousemove", e => { if (!drag) return;
  const dx = (e.clientX - drag[0]) / (RIGHT - LEFT) * (drag[1][1] - drag[1][0]);
  view = [drag[1][0] - dx, drag[1][1] - dx]; draw(); });}
const legend = document.getElementById("legend");
for (const [name, c] of [["running", COLORS.running], ["ready", COLORS.ready], ["waiting on an object", "#fbd38d"],
  ["sleep", COLORS.sleep], ["suspended", COLORS.suspended], ["completed / terminated", COLORS.completed], ["interrupt", COLORS.interrupt], ["preemption", "#805ad5"]])
 legend.insertAdjacentHTML("beforeend", `<span><i style="background:${c}"></i>${name}</span>`);
reset();
</script></body></html>
"""

__all__ = ["render_html", "write_html"]
