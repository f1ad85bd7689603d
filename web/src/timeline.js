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

/** More lanes than this and the timeline is drawn at scale (see `windowed`). */
export const MANY_LANES = 20;

/** Whether the timeline of `overview` is drawn at scale: only what is in view is handed to
 * vis-timeline (the lanes scrolled to in a box of its own height, the items of the window and
 * a quarter of a window each side), and the events (and instruments drawn as points) of a lane are
 * counted per bucket of the zoom level, a bucket of a few drawn as its events. A world of
 * 200 states, 500 instruments and 100,000 events, all handed over, took 11 s to draw first,
 * a heap of 560 MB and a DOM of 110,000 nodes, and a perspective change up to 506 s. */
export function windowed(overview) {
  return clustered(overview) || overview.lanes.length > MANY_LANES;
}

/** A bucket of more items than this is drawn as its count ("12 events"); one of this many or
 * fewer, as its items. */
const BUCKET_MAX = 3;
const DAY_MS = 86400000;
const ms = (iso) => Date.parse(`${iso}T00:00:00Z`);

/** The model: every item of the timeline, by id and by lane, the lanes' items sorted by start
 * (`get` as a vis-data DataSet's: an id, or `{filter}`). */
class ItemStore {
  constructor(items) {
    this.list = items;
    this.byId = new Map(items.map((it) => [it.id, it]));
    this.byGroup = new Map();
    for (const it of items) {
      it.t0 = ms(it.start);
      it.t1 = it.end ? ms(it.end) : it.t0;
      if (!this.byGroup.has(it.group)) this.byGroup.set(it.group, []);
      this.byGroup.get(it.group).push(it);
    }
    for (const [g, list] of this.byGroup) {
      list.sort((a, b) => a.t0 - b.t0);
      list.longest = list.reduce((m, it) => Math.max(m, it.t1 - it.t0), 0);
      this.byGroup.set(g, list);
    }
  }

  get(what) {
    const strip = ({ t0, t1, ...rest }) => rest;
    if (typeof what === "string") return this.byId.has(what) ? strip(this.byId.get(what)) : null;
    const f = what?.filter || (() => true);
    return this.list.filter((it) => f(it)).map(strip);
  }

  /** The items of lane `gid` that may overlap [from, to) (ms). */
  between(gid, from, to) {
    const list = this.byGroup.get(gid) || [];
    const lo = from - list.longest;
    let a = 0;
    let b = list.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (list[m].t0 < lo) a = m + 1;
      else b = m;
    }
    const out = [];
    for (let i = a; i < list.length && list[i].t0 < to; i++) if (list[i].t1 >= from) out.push(list[i]);
    return out;
  }
}

export class TimelineView {
  constructor(container, overview, state, onOpen, onWindow = () => {}) {
    this.container = container;
    this.overview = overview;
    this.state = state;
    this.onOpen = onOpen;
    this.items = new ItemStore([]); // every item (the model)
    this.shown = new DataSet(); // what vis-timeline draws: all of it, or what is in view
    this.groups = new DataSet();
    this.payload = new Map();
    this.windowed = windowed(overview);
    this.rover = new Map(); // lane -> the item that is its tab stop (the last one focused)
    this.stops = new Set();
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
        d.dataset.group = group.id;
        // a name cut at the column's width (a phone) is whole under the pointer
        if (group.name) d.title = group.name;
        return d;
      },
    };
    if (this.windowed) {
      // A box of its own height that scrolls its lanes (200 lanes pushed the network 7,000 px
      // down); vis-timeline draws the items of the lanes in view only.
      options.verticalScroll = true;
      options.maxHeight = Math.max(360, Math.round(window.innerHeight * 0.7));
    }
    this.timeline = new Timeline(container, this.shown, this.groups, options);
    if (this.windowed) {
      // the box's lane names scroll it (a scroll bar): a region the keyboard reaches too
      const left = container.querySelector(".vis-left");
      if (left) {
        left.tabIndex = 0;
        left.setAttribute("role", "region");
        left.setAttribute("aria-label", "Names of the lanes: scroll them with the arrow keys");
      }
    }
    this.timeline.addCustomTime(toDate(state.day), "day");
    this.timeline.setCustomTimeTitle(`network day ${state.day}`, "day");
    this.timeline.on("rangechanged", () => onWindow(this.window()));
    if (this.windowed) {
      this.timeline.on("rangechange", () => this.syncSoon());
      this.timeline.on("rangechanged", () => this.syncSoon());
    }
    this.timeline.on("click", (props) => {
      if (props.item && this.payload.has(props.item)) this.activate(props.item);
    });
    container.addEventListener("keydown", (ev) => {
      const target = ev.target.closest?.("[data-item]");
      if (!target) return;
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        this.activate(target.dataset.item);
      } else if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(ev.key)) {
        ev.preventDefault();
        this.move(target.dataset.item, ev.key);
      }
    });
    // A redraw (main.js redraws on every scroll of the page, and focusing an item scrolls it
    // into view) takes each lane out of the DOM and puts it back (vis-timeline's
    // ItemSet._orderGroups), the focused item with it: the focus fell to <body>, and the next
    // Tab started again at the first lane. The item keeps the focus across a redraw.
    this.focused = null;
    container.addEventListener("focusin", (ev) => {
      this.focused = ev.target.closest?.("[data-item]") || null;
      const it = this.focused && this.itemOf(this.focused.dataset.item);
      if (it) {
        this.rover.set(it.group, it.id);
        this.showLaneName(it.group);
      }
    });
    // the user moved on: Tab or Shift + Tab out (a related target), a click elsewhere (a redraw
    // blurs with neither)
    container.addEventListener("focusout", (ev) => {
      if (ev.relatedTarget && !container.contains(ev.relatedTarget)) {
        this.focused = null;
        this.showLaneName(null);
      }
    });
    document.addEventListener("pointerdown", (ev) => {
      if (this.focused && !this.focused.contains(ev.target)) this.focused = null;
    }, true);
    this.timeline.on("changed", () => {
      if (this.windowed) this.syncLanes();
      this.rove();
      this.keepFocus();
    });
    this.render();
  }

  /** The item (of the model, or a bucket drawn) of id `id`. */
  itemOf(id) {
    return this.items.byId.get(id) || this.shown.get(id);
  }

  /** Open what an item is about; a bucket zooms onto its events. */
  activate(id) {
    const p = this.payload.get(id);
    if (!p) return;
    if (p.kind === "bucket") {
      const pad = (p.end - p.start) * 0.05;
      this.timeline.setWindow(new Date(p.start - pad), new Date(p.end + pad), { animation: false });
      this.rover.delete(p.group);
      return;
    }
    this.onOpen(p);
  }

  /** The full name of the lane of the focused item, over its label (cut on a phone). */
  showLaneName(gid) {
    for (const el of this.container.querySelectorAll(".group-label.focused")) el.classList.remove("focused");
    if (!gid) return;
    const el = this.container.querySelector(`.group-label[data-group="${CSS.escape(gid)}"]`);
    if (el) el.classList.add("focused");
  }

  /**
   * One tab stop per lane (the roving tab index): the item of each lane last focused, else its
   * first one in the window; the arrow keys move between the items of a lane and between
   * lanes. Every item was a tab stop: 5,000 of them before the network on a world of 100,000
   * events. At scale only: on a small corpus (the Baltic one) every item stays a tab stop.
   */
  rove() {
    if (!this.windowed) return;
    const w = this.timeline.getWindow();
    const [from, to] = [+w.start, +w.end];
    const byGroup = new Map();
    const drawn = this.container.querySelectorAll(".vis-foreground [data-item]");
    for (const el of drawn) {
      const it = this.itemOf(el.dataset.item);
      if (!it) continue;
      if (!byGroup.has(it.group)) byGroup.set(it.group, []);
      byGroup.get(it.group).push(it);
    }
    const stops = new Set();
    for (const [gid, list] of byGroup) {
      const want = this.rover.get(gid);
      let pick = list.find((it) => it.id === want);
      if (!pick) {
        const inView = list.filter((it) => it.t1 >= from && it.t0 < to);
        pick = (inView.length ? inView : list).reduce((a, b) => (b.t0 < a.t0 ? b : a));
      }
      stops.add(pick.id);
    }
    this.stops = stops;
    for (const el of drawn) {
      const t = stops.has(el.dataset.item) ? 0 : -1;
      if (el.tabIndex !== t) el.tabIndex = t;
    }
  }

  /** The items a lane has to move through: what is drawn of it (buckets included). */
  laneItems(gid) {
    const list = this.windowed ? this.shown.get({ filter: (it) => it.group === gid }) : [...(this.items.byGroup.get(gid) || [])];
    return list.sort((a, b) => a.t0 - b.t0 || a.t1 - b.t1);
  }

  /** Move the focus from item `id` by an arrow key (or Home, End). */
  move(id, key) {
    const it = this.itemOf(id);
    if (!it) return;
    let next = null;
    if (key === "ArrowLeft" || key === "ArrowRight" || key === "Home" || key === "End") {
      const list = this.laneItems(it.group);
      const at = list.findIndex((x) => x.id === id);
      next = key === "Home" ? list[0] : key === "End" ? list[list.length - 1] : list[at + (key === "ArrowRight" ? 1 : -1)];
    } else {
      const order = this.groups.get({ order: "order" }).map((g) => g.id);
      const gid = order[order.indexOf(it.group) + (key === "ArrowDown" ? 1 : -1)];
      if (!gid) return;
      if (this.windowed) this.syncLanes(gid);
      const list = this.laneItems(gid);
      const mid = (it.t0 + Math.max(it.t0, Math.min(it.t1, it.t0 + 1))) / 2;
      next = list.find((x) => x.t0 <= mid && mid < Math.max(x.t1, x.t0 + 1))
        || list.reduce((a, b) => (!a || Math.abs(b.t0 - mid) < Math.abs(a.t0 - mid) ? b : a), null);
    }
    if (next) this.focusItem(next);
  }

  /** Bring item `it` into view (its lane scrolled to, the window moved to it) and focus it. */
  focusItem(it) {
    this.rover.set(it.group, it.id);
    const w = this.timeline.getWindow();
    const span = w.end - w.start;
    if (it.t1 < +w.start || it.t0 > +w.end) {
      const c = it.t0 + Math.min(it.t1 - it.t0, span) / 2;
      this.timeline.setWindow(new Date(c - span / 2), new Date(c + span / 2), { animation: false });
      if (this.windowed) this.sync();
    }
    this.scrollToLane(it.group);
    let tries = 0;
    const attempt = () => {
      const el = this.container.querySelector(`[data-item="${CSS.escape(it.id)}"]`);
      if (el) {
        this.rove();
        el.focus({ preventScroll: true });
      } else if (tries++ < 20) {
        this.timeline.redraw();
        setTimeout(attempt, 50);
      }
    };
    attempt();
  }

  /** Scroll the timeline's own box (at scale) so that lane `gid` is in it. */
  scrollToLane(gid) {
    if (!this.windowed) return;
    const g = this.timeline.itemSet?.groups?.[gid];
    const props = this.timeline.props;
    if (!g || !props) return;
    const view = props.centerContainer.height;
    const top = -props.scrollTop;
    if (g.top >= top && g.top + g.height <= top + view) return;
    this.timeline._setScrollTop(-Math.max(0, g.top - view / 3));
    this.timeline._redraw();
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

  /** The lanes to hand over (at scale): those in view, four more each side, and the events'
   * and instruments' lanes; `also`, one more (the lane an arrow key goes to). */
  wantedLanes(also = null) {
    const order = this.groups.get({ order: "order" }).map((g) => g.id);
    const visible = new Set(this.timeline.getVisibleGroups());
    let idx = order.map((g, i) => (visible.has(g) ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) idx = [0, Math.min(order.length - 1, 16)];
    const [lo, hi] = [Math.max(0, Math.min(...idx) - 4), Math.min(order.length - 1, Math.max(...idx) + 4)];
    const out = new Set(order.slice(lo, hi + 1));
    out.add("events");
    out.add("instruments");
    if (also) out.add(also);
    return out;
  }

  /** After a redraw at scale: hand over the lanes scrolled into view, if they changed. */
  syncLanes(also = null) {
    const want = this.wantedLanes(also);
    const have = this.lanesShown || new Set();
    const visible = this.timeline.getVisibleGroups();
    if (visible.every((g) => have.has(g)) && (!also || have.has(also))) return;
    this.sync(want);
  }

  syncSoon() {
    if (this.syncPending) return;
    this.syncPending = true;
    requestAnimationFrame(() => {
      this.syncPending = false;
      this.sync();
    });
  }

  /**
   * Hand vis-timeline what is in view (at scale): the items of the lanes in view in the window
   * and a quarter of a window each side; in the events' lane (and the instruments' when they are
   * points) a bucket of the zoom level (about 70 px wide) holding more than BUCKET_MAX items
   * is one item, its count, and the others are their items.
   */
  sync(lanes = null) {
    if (!this.windowed) return;
    const want = lanes || this.wantedLanes();
    const w = this.timeline.getWindow();
    const span = w.end - w.start;
    const [from, to] = [+w.start - span / 4, +w.end + span / 4];
    const px = this.timeline.body?.domProps?.center?.width || this.container.clientWidth || 800;
    const raw = span / Math.max(4, Math.floor(px / 70));
    const size = DAY_MS * 2 ** Math.max(0, Math.round(Math.log2(raw / DAY_MS)));
    const out = new Map();
    for (const gid of want) {
      const items = this.items.between(gid, from, to);
      if (!(gid === "events" || (gid === "instruments" && this.asPoints))) {
        for (const it of items) out.set(it.id, it);
        continue;
      }
      const buckets = new Map();
      for (const it of items) {
        const k = Math.floor(it.t0 / size);
        if (!buckets.has(k)) buckets.set(k, []);
        buckets.get(k).push(it);
      }
      const what = gid === "events" ? "events" : "instruments";
      for (const [k, bs] of buckets) {
        if (bs.length <= BUCKET_MAX) {
          for (const it of bs) out.set(it.id, it);
          continue;
        }
        const [t0, t1] = [k * size, (k + 1) * size];
        const id = `bucket:${gid}:${size}:${k}`;
        const a = new Date(t0).toISOString().slice(0, 10);
        const b = new Date(t1 - DAY_MS).toISOString().slice(0, 10);
        const words = `${bs.length} ${what}, ${a} – ${b}`;
        out.set(id, {
          id, group: gid, start: a, end: new Date(t1).toISOString().slice(0, 10), t0, t1, type: "range",
          content: `${bs.length} ${what}`, className: "vis-cluster bucket",
          title: `${esc(words)}: zoom in (or press Enter) to see them`,
          tip: `${words}: zoom in (click, or press Enter) to see them`,
          aria: `${words}: press Enter to zoom in`,
        });
        this.payload.set(id, { kind: "bucket", group: gid, start: t0, end: t1 });
      }
    }
    const drop = this.shown.getIds().filter((id) => !out.has(id));
    const add = [...out.values()].filter((it) => !this.shown.get(it.id));
    this.lanesShown = want;
    if (!drop.length && !add.length) return;
    if (drop.length) this.shown.remove(drop);
    if (add.length) this.shown.add(add);
  }

  template(item, element) {
    const d = document.createElement("span");
    d.className = "item-label";
    if (!item.id || item.type === "background") {
      d.textContent = item.content || "";
      return d;
    }
    d.dataset.item = item.id;
    // at scale one tab stop per lane (rove()), the others reached with the arrow keys
    d.tabIndex = !this.windowed || this.stops.has(item.id) ? 0 : -1;
    d.setAttribute("role", "button");
    // a bucket of events (at scale): its count, and what Enter does, under the pointer too
    if (item.tip) d.title = item.tip;
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
    this.rover.clear();
    let order = 0;
    for (const lane of this.overview.lanes) {
      for (const pid of views) {
        const gid = `lane:${lane.actor.id}:${pid}`;
        const sub = views.length > 1 ? `<span class="persp">${esc(name[pid] || pid)}</span>` : "";
        groups.push({ id: gid, order: order++, name: lane.actor.name, html: `<span class="actor">${esc(lane.actor.name)}</span>${sub}`,
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
    // at scale the events and instruments come first, above lanes that scroll
    const top = this.windowed ? -2 : 0;
    groups.push({ id: "instruments", order: top ? -1 : order + 1, html: '<span class="actor">Instruments</span>', className: "lane-instruments" });
    // Past CLUSTER_FROM instruments each is a point at its signature (its time in force in its
    // tooltip and details), clustered as events are: thousands of bars, most of them running
    // to the present, were drawn one by one (GGO's 3,600 in force in 2014: 12 s), stacked
    // into a lane taller than the screen.
    // At scale (windowed) more than 100 are points too, counted per bucket as events are.
    const nIns = this.overview.instruments.length;
    const asPoints = nIns > CLUSTER_FROM || (this.windowed && nIns > 100);
    this.asPoints = asPoints;
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
    groups.push({ id: "events", order: top || order, html: '<span class="actor">Events</span>', className: "lane-events" });
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
    this.items = new ItemStore(items);
    this.groups.clear();
    this.shown.clear();
    this.groups.add(groups);
    if (this.windowed) {
      this.lanesShown = null;
      this.sync();
    } else {
      this.shown.add(items);
    }
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
      if (this.windowed) {
        this.scrollToLane(gid);
        this.sync();
      }
      if (hit.length && this.shown.get(hit[0].id)) this.timeline.setSelection([hit[0].id]);
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
