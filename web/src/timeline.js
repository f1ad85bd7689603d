// The timeline: one lane per state (status periods under a perspective, or two perspectives
// one above the other in compare mode, differences marked), instruments as bars from signature
// to end, events as points (or as faded ranges when the source dates them only to a range).

import { DataSet } from "vis-data/peer";
import { Timeline } from "vis-timeline/peer";
import "vis-timeline/styles/vis-timeline-graph2d.css";
import { addDays, daysBetween, defaultWindow, FIRST_DAY, LAST_DAY, saidBound, toDate } from "./dates.js";
import { kindColour } from "./palette.js";

/** The day after the page's last day: where open periods and instruments end. */
const openEnd = () => addDays(LAST_DAY, 1);

/** A short label of what happened: the event's summary, cut at a word near `n` characters. */
export function shortLabel(text, n = 42) {
  if (text.length <= n) return text;
  const cut = text.slice(0, n);
  const at = cut.lastIndexOf(" ");
  return `${(at > n / 2 ? cut.slice(0, at) : cut).replace(/[,;:.]$/, "")}…`;
}
// Lanes hold periods that never overlap: one row, never stacked (a stacking subgroup beside it
// switches vis-timeline to per-subgroup stacking; see Group._calculateGroupSizeAndPosition).
const FLAT = { flat: false, stacked: true };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** The day after a period's last day (vis ranges end exclusive); open periods run off the end. */
function endOf(to) {
  return to ? addDays(to.latest, 1) : openEnd();
}

/**
 * Where an instrument ends under a perspective, as the `treaties` answer ends it (its `spans`
 * under that perspective: the ranges it is listed in force, with their certainty): `end`, the
 * day after its last listed day (the page's end when the last range never ends); `certainEnd`,
 * the day after its last certain day (from there to `end` it is only possibly in force);
 * `until`, its end in the source's words; `note`, the answer's certainty_note.
 */
export function instrumentEnd(ins, perspective) {
  const spans = ins.spans[perspective] || [];
  if (!spans.length) {
    const end = addDays(ins.signed.latest, 1);
    return { end, certainEnd: end, until: "never in force in this view", note: null };
  }
  const last = spans[spans.length - 1];
  const end = last.to ? addDays(last.to, 1) : openEnd();
  const sure = spans.filter((s) => s.certainty === "certain");
  const lastSure = sure[sure.length - 1];
  const certainEnd = !lastSure ? ins.signed.earliest : lastSure.to ? addDays(lastSure.to, 1) : openEnd();
  const after = spans.find((s) => s.certainty === "possible" && s.from >= certainEnd);
  const note = spans.map((s) => s.certainty_note).filter(Boolean)[0] || null;
  let until = last.to ? `ended ${last.to_text}` : "no end";
  if (after && last.to) until += after.from_text === last.to_text ? ` (possibly in force within ${last.to_text})` : `; possibly in force from ${after.from_text}`;
  else if (after) until = `no known end: possibly in force from ${after.from_text}`;
  return { end, certainEnd, until, note };
}

/** The values of one status field (a list of {value, certainty}) as comparable text. */
const vals = (vs) => (vs || []).map((v) => `${v.value?.id ?? v.value}:${v.certainty}`).join("|");

/** Core status of a period for comparing perspectives: sovereignty and the three relations,
 * every value that possibly holds with its certainty. */
function core(p) {
  return JSON.stringify([vals(p.sovereign), vals(p.part_of), vals(p.occupied_by), vals(p.controlled_by)]);
}

/** Day ranges where two lists of periods give different statuses. */
export function differences(a, b) {
  const cuts = new Set();
  for (const p of [...a, ...b]) {
    cuts.add(p.from.earliest);
    cuts.add(endOf(p.to));
  }
  const days = [...cuts].sort();
  const at = (ps, d) => ps.find((p) => p.from.earliest <= d && d < endOf(p.to));
  const out = [];
  for (let i = 0; i + 1 < days.length; i++) {
    const pa = at(a, days[i]);
    const pb = at(b, days[i]);
    const same = (!pa && !pb) || (pa && pb && core(pa) === core(pb));
    if (same) continue;
    const last = out[out.length - 1];
    if (last && last.end === days[i]) last.end = days[i + 1];
    else out.push({ start: days[i], end: days[i + 1], a: pa, b: pb });
  }
  return out;
}

/** How many events and instruments a corpus may have before the timeline clusters the ones
 * that overlap. */
export const CLUSTER_FROM = 500;

/** Whether the timeline of `overview` draws overlapping events and instruments as clusters:
 * past CLUSTER_FROM of them together (GGO: no event, 4,532 treaties, each one stacked took
 * the first draw 17 s). */
export function clustered(overview) {
  return overview.events.length + overview.instruments.length > CLUSTER_FROM;
}

export class TimelineView {
  constructor(container, overview, state, onOpen, onWindow = () => {}) {
    this.container = container;
    this.overview = overview;
    this.state = state;
    this.onOpen = onOpen;
    this.items = new DataSet();
    this.groups = new DataSet();
    this.payload = new Map();
    // the first draw already in the default window, not the whole span: every item of the
    // corpus was drawn once before the window was set
    const [start, end] = defaultWindow(state.day);
    const options = {
      min: FIRST_DAY, max: openEnd(), start, end,
      zoomMin: 1000 * 86400 * 20, zoomKey: "ctrlKey", stack: true, orientation: "top",
      showCurrentTime: false, horizontalScroll: false,
      margin: { item: { horizontal: 2, vertical: 3 } }, tooltip: { followMouse: true, delay: 150 },
      groupOrder: "order", selectable: true, multiselect: false,
      template: (item, element) => this.template(item, element),
      groupTemplate: (group) => {
        const d = document.createElement("div");
        d.className = "group-label";
        d.innerHTML = group.html;
        return d;
      },
    };
    // A corpus of thousands of events or instruments (an imported dataset) would have every
    // label stacked at once: vis-timeline's stacking of 5,000 labels took the page ~55 s
    // before it showed anything. Overlapping ones are then drawn as one cluster ("12 events"),
    // opened by zooming in (double-click fits it); the Baltic corpus's 84 events and 20
    // instruments are drawn one by one.
    if (clustered(overview)) {
      options.cluster = {
        maxItems: 3, fitOnDoubleClick: true, showStipes: false,  // its words: template()
        clusterCriteria: (a, b) => a.group === b.group && (a.group === "events" || a.group === "instruments"),
      };
    }
    this.timeline = new Timeline(container, this.items, this.groups, options);
    this.timeline.addCustomTime(toDate(state.day), "day");
    this.timeline.setCustomTimeTitle(`network day ${state.day}`, "day");
    this.timeline.on("rangechanged", () => onWindow(this.window()));
    this.timeline.on("click", (props) => {
      if (props.item && this.payload.has(props.item)) this.onOpen(this.payload.get(props.item));
    });
    container.addEventListener("keydown", (ev) => {
      const target = ev.target.closest?.("[data-item]");
      if (!target || !(ev.key === "Enter" || ev.key === " ")) return;
      ev.preventDefault();
      const p = this.payload.get(target.dataset.item);
      if (p) this.onOpen(p);
    });
    // A redraw (main.js redraws on every scroll of the page, and focusing an item scrolls it
    // into view) takes each lane out of the DOM and puts it back (vis-timeline's
    // ItemSet._orderGroups), the focused item with it: the focus fell to <body>, and the next
    // Tab started again at the first lane. The item keeps the focus across a redraw.
    this.focused = null;
    container.addEventListener("focusin", (ev) => { this.focused = ev.target.closest?.("[data-item]") || null; });
    // the user moved on: Tab or Shift + Tab out (a related target), a click elsewhere (a redraw
    // blurs with neither)
    container.addEventListener("focusout", (ev) => {
      if (ev.relatedTarget && !container.contains(ev.relatedTarget)) this.focused = null;
    });
    document.addEventListener("pointerdown", (ev) => {
      if (this.focused && !this.focused.contains(ev.target)) this.focused = null;
    }, true);
    this.timeline.on("changed", () => this.keepFocus());
    this.render();
  }

  /** Give the focus back to the item that had it before a redraw took it out of the DOM. */
  keepFocus() {
    const el = this.focused;
    if (!el || document.activeElement === el) return;
    const active = document.activeElement;
    if (active && active !== document.body) {
      this.focused = null;
      return;
    }
    const now = el.isConnected ? el : this.container.querySelector(`[data-item="${CSS.escape(el.dataset.item)}"]`);
    if (now) now.focus({ preventScroll: true });
    else this.focused = null;
  }

  template(item, element) {
    const d = document.createElement("span");
    d.className = "item-label";
    if (item.isCluster) {
      // a cluster of overlapping events or instruments (a corpus past CLUSTER_FROM events):
      // its count as words, not vis-timeline's own HTML as text
      const n = item.uiItems ? item.uiItems.length : 0;
      const what = item.group?.groupId === "instruments" ? "instruments" : "events";
      d.textContent = `${n} ${what}`;
      d.title = `${n} ${what}: zoom in (or double-click) to see them`;
      d.setAttribute("aria-label", d.title);
      return d;
    }
    if (!item.id || item.type === "background") {
      d.textContent = item.content || "";
      return d;
    }
    d.dataset.item = item.id;
    d.tabIndex = 0;
    d.setAttribute("role", "button");
    // The accessible name starts with the visible text (WCAG 2.5.3), then says more.
    const aria = item.aria || item.content;
    d.setAttribute("aria-label", aria.includes(item.content) ? aria : `${item.content} — ${aria}`);
    d.textContent = item.content;
    return d;
  }

  /** Rebuild groups and items for the current perspective (and compare mode). */
  render() {
    const { perspective, compare, perspectiveB } = this.state;
    const views = compare && perspectiveB && perspectiveB !== perspective ? [perspective, perspectiveB] : [perspective];
    const name = Object.fromEntries(this.overview.perspectives.map((p) => [p.id, p.name]));
    const groups = [];
    const items = [];
    this.payload.clear();
    let order = 0;
    for (const lane of this.overview.lanes) {
      for (const pid of views) {
        const gid = `lane:${lane.actor.id}:${pid}`;
        const sub = views.length > 1 ? `<span class="persp">${esc(name[pid] || pid)}</span>` : "";
        groups.push({ id: gid, order: order++, html: `<span class="actor">${esc(lane.actor.name)}</span>${sub}`,
          className: `lane lane-${views.indexOf(pid) ? "b" : "a"}`, subgroupStack: FLAT });
        lane.periods[pid].forEach((p, i) => {
          const id = `period:${pid}:${lane.actor.id}:${i}`;
          const fuzzy = p.certainty === "possible";
          const span = `${p.from_text} – ${p.to ? p.to_text : "…"}`;
          items.push({
            id, group: gid, subgroup: "flat", start: p.from.earliest, end: endOf(p.to), type: "range", content: p.label,
            className: `status-${p.class}${fuzzy ? " possible" : ""}`,
            title: `${esc(lane.actor.name)}: ${esc(p.label)}<br>${span}${fuzzy ? "<br><i>possible: the dates are fuzzy</i>" : ""}<br>(${esc(name[pid] || pid)})`,
            aria: `${lane.actor.name}, ${name[pid] || pid}: ${p.label}, ${span}${fuzzy ? ", possible" : ""}`,
          });
          this.payload.set(id, { kind: "period", actor: lane.actor, period: p, perspective: pid });
        });
      }
      if (views.length > 1) {
        // A thin row between the two lanes: one red bar per range where they disagree.
        const diffs = differences(lane.periods[views[0]], lane.periods[views[1]]);
        if (!diffs.length) continue;
        const gid = `diff:${lane.actor.id}`;
        const first = groups.length - 1;
        groups.splice(first, 0, { id: gid, order: 0, html: '<span class="diff-label">≠ differ</span>', className: "lane-diff", subgroupStack: FLAT });
        groups.forEach((g, i) => { g.order = i; });
        order = groups.length;
        diffs.forEach((d, i) => {
          const id = `diff:${lane.actor.id}:${i}`;
          const lists = views.map((v) => lane.periods[v]);
          const last = d.end === openEnd() ? null : addDays(d.end, -1);
          const span = `${saidBound(lists, d.start, "from")} – ${saidBound(lists, last, "to")}`;
          const what = `${lane.actor.name} ${span}: ${name[views[0]]}: ${d.a ? d.a.label : "no status"}; ${name[views[1]]}: ${d.b ? d.b.label : "no status"}`;
          items.push({ id, group: gid, subgroup: "flat", start: d.start, end: d.end, type: "range", className: "diff", content: "≠",
            title: esc(what), aria: `Perspectives differ: ${what}` });
          this.payload.set(id, { kind: "difference", actor: lane.actor, perspectives: views, start: d.start, end: addDays(d.end, -1) });
          for (const it of items) {
            if (it.group?.startsWith(`lane:${lane.actor.id}:`) && it.start < d.end && d.start < it.end) it.className += " differs";
          }
        });
      }
    }
    groups.push({ id: "instruments", order: order + 1, html: '<span class="actor">Instruments</span>', className: "lane-instruments" });
    // Past CLUSTER_FROM instruments each is a point at its signature (its time in force in its
    // tooltip and details), clustered as events are: thousands of bars, most of them running
    // to the present, were drawn one by one (GGO's 3,600 in force in 2014: 12 s), stacked
    // into a lane taller than the screen.
    const asPoints = this.overview.instruments.length > CLUSTER_FROM;
    for (const ins of this.overview.instruments) {
      if (!ins.signed) continue;
      const id = `instrument:${ins.id}`;
      const { end, certainEnd, until, note } = instrumentEnd(ins, perspective);
      if (asPoints) {
        items.push({
          id, group: "instruments", start: ins.signed.earliest, type: "point", content: shortLabel(ins.name),
          className: `instrument-point kind-${ins.kind}`, style: `color: ${kindColour(ins.kind)};`,
          title: `${esc(ins.name)} (${esc(ins.kind)})<br>signed ${esc(ins.signed.text)}; ${esc(until)}${note ? `<br><i>${esc(note)}</i>` : ""}<br>(${esc(name[perspective] || perspective)})`,
          aria: `Instrument ${ins.name}, ${ins.kind}, signed ${ins.signed.text}, ${until}`,
        });
        this.payload.set(id, { kind: "instrument", id: ins.id });
        continue;
      }
      const fuzzy = ins.signed.earliest !== ins.signed.latest || (ins.ended && ins.ended.earliest !== ins.ended.latest);
      const colour = kindColour(ins.kind);
      // Past its last certain day an instrument is drawn hatched, as a possible period is:
      // the treaties answer holds it only possibly in force there (certainty_note says why).
      const start = ins.signed.earliest;
      const unsure = certainEnd < end;
      const at = unsure ? Math.max(0, Math.min(100, (100 * daysBetween(start, certainEnd)) / Math.max(1, daysBetween(start, end)))).toFixed(2) : null;
      const paint = unsure
        ? `background: linear-gradient(to right, ${colour} ${at}%, transparent ${at}%), repeating-linear-gradient(45deg, ${colour} 0 5px, #f2f2f2 5px 10px); border-color: ${colour};`
        : `background-color: ${colour}; border-color: ${colour};`;
      const open = end === openEnd();
      items.push({
        id, group: "instruments", start, end,
        type: "range", content: ins.name,
        className: `instrument kind-${ins.kind}${fuzzy ? " fuzzy" : ""}${open ? " open" : ""}${unsure ? " possible-end" : ""}`,
        style: paint,
        title: `${esc(ins.name)} (${esc(ins.kind)})<br>signed ${esc(ins.signed.text)}; ${esc(until)}${note ? `<br><i>${esc(note)}</i>` : ""}<br>(${esc(name[perspective] || perspective)})`,
        aria: `Instrument ${ins.name}, ${ins.kind}, signed ${ins.signed.text}, ${until}`,
      });
      this.payload.set(id, { kind: "instrument", id: ins.id });
    }
    groups.push({ id: "events", order, html: '<span class="actor">Events</span>', className: "lane-events" });
    const breached = new Set((this.overview.breaches[perspective] || []).map((b) => b.event));
    for (const e of this.overview.events) {
      const id = `event:${e.id}`;
      const exact = e.date.earliest === e.date.latest;
      const label = shortLabel(e.summary || e.type.replaceAll("_", " "));
      const cls = `event type-${e.type}${breached.has(e.id) ? " breach" : ""}`;
      const base = {
        id, group: "events", content: label,
        title: `${esc(e.summary)}<br>${esc(e.date.text)}${exact ? "" : ` (${e.date.earliest} – ${e.date.latest})`}<br><i>${esc(e.type.replaceAll("_", " "))}</i>`,
        aria: `Event: ${e.summary}, ${e.date.text}${breached.has(e.id) ? ", a breach" : ""}`,
      };
      if (exact) items.push({ ...base, start: e.date.earliest, type: "point", className: cls });
      // A thin faded bar over the whole range the source allows, its words in the tooltip.
      else items.push({ ...base, start: e.date.earliest, end: addDays(e.date.latest, 1), type: "range", className: `${cls} fuzzy` });
      this.payload.set(id, { kind: "event", id: e.id });
    }
    this.groups.clear();
    this.items.clear();
    this.groups.add(groups);
    this.items.add(items);
  }

  setDay(day) {
    this.timeline.setCustomTime(toDate(day), "day");
    this.timeline.setCustomTimeTitle(`network day ${day}`, "day");
  }

  /** Centre the timeline on a day (a span of `years` around it); select an actor's period. */
  focus(day, actorId = null, years = 6) {
    const d = toDate(day).getTime();
    const half = years * 365.25 * 86400000 / 2;
    this.timeline.setWindow(new Date(d - half), new Date(d + half), { animation: false });
    if (actorId) {
      const gid = `lane:${actorId}:${this.state.perspective}`;
      const hit = this.items.get({ filter: (it) => it.group === gid && it.type === "range" && it.start <= day && day < it.end });
      if (hit.length) this.timeline.setSelection([hit[0].id]);
    }
  }

  /** The visible range as two ISO days. */
  window() {
    const w = this.timeline.getWindow();
    return [w.start.toISOString().slice(0, 10), w.end.toISOString().slice(0, 10)];
  }

  setWindowDays(from, to) {
    this.timeline.setWindow(toDate(from), toDate(to), { animation: false });
  }

  zoom(factor) {
    if (factor < 1) this.timeline.zoomIn(1 - factor);
    else this.timeline.zoomOut(factor - 1);
  }

  pan(fraction) {
    const w = this.timeline.getWindow();
    const span = w.end - w.start;
    this.timeline.setWindow(new Date(+w.start + span * fraction), new Date(+w.end + span * fraction));
  }

  fit() {
    this.timeline.setWindow(FIRST_DAY, openEnd());
  }
}

export { LAST_DAY };
