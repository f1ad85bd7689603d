// The foedus explorer: wires the timeline, the network, the map, the details and the question
// box to one state (perspective, compare mode, day) and to the HTTP API.

import { get } from "./api.js";
import { AskBox } from "./ask.js";
import * as dates from "./dates.js";
import { addDays, addMonths, clampDay, daysBetween, isDay, setRange } from "./dates.js";
import { download, exportImage, toCsv } from "./export.js";
import { Details } from "./details.js";
import { MapView } from "./map.js";
import { NetworkView } from "./network.js";
import { kindColour } from "./palette.js";
import { Search } from "./search.js";
import { showSource } from "./source.js";
import { TimelineView } from "./timeline.js";
import "./style.css"; // after the libraries' styles, so that ours win

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(window.location.search);

/** Every ISO day the corpus mentions: the page's range runs over them. */
function corpusDays(o) {
  const out = [];
  const add = (d) => { if (d) out.push(d.earliest, d.latest); };
  for (const lane of o.lanes) for (const ps of Object.values(lane.periods)) for (const p of ps) { add(p.from); add(p.to); }
  for (const i of o.instruments) { add(i.signed); add(i.ended); }
  for (const e of o.events) add(e.date);
  return out;
}

/** The day shown first: the median day of the corpus's events (else of its periods). */
function defaultDay(o) {
  const days = o.events.map((e) => e.date.earliest).sort();
  if (days.length) return days[Math.floor(days.length / 2)];
  const all = corpusDays(o).sort();
  return all.length ? all[Math.floor(all.length / 2)] : dates.FIRST_DAY;
}

/**
 * Containers: the states the lanes are ever part of (from the periods), each with the days it
 * existed (its `existed_from`/`existed_to`, else the span of the periods naming it) and the
 * actors whose shapes stand for it on today's map (itself, its successor, its predecessor).
 */
function containers(o) {
  const actors = new Map(o.actors.map((a) => [a.id, a]));
  const out = new Map();
  for (const lane of o.lanes) {
    for (const ps of Object.values(lane.periods)) {
      for (const p of ps) {
        // every state the period is possibly part of
        for (const { value } of p.part_of || []) {
          const id = value.id;
          const c = out.get(id) || { id, name: value.name, from: p.from.earliest, to: p.to ? p.to.latest : null };
          c.from = p.from.earliest < c.from ? p.from.earliest : c.from;
          c.to = c.to === null || !p.to ? null : p.to.latest > c.to ? p.to.latest : c.to;
          out.set(id, c);
        }
      }
    }
  }
  for (const c of out.values()) {
    const a = actors.get(c.id);
    if (a?.existed_from) c.from = a.existed_from.earliest;
    if (a?.existed_to) c.to = a.existed_to.latest;
    c.shapes = [c.id, a?.successor, a?.predecessor].filter(Boolean);
  }
  return [...out.values()];
}

class Explorer {
  constructor(overview) {
    this.overview = overview;
    this.names = new Map(overview.actors.map((a) => [a.id, a.name]));
    this.actorIndex = new Map();
    for (const a of overview.actors) {
      this.actorIndex.set(a.id.toLowerCase(), a.id);
      this.actorIndex.set(a.name.toLowerCase(), a.id);
    }
    setRange(corpusDays(overview));
    const known = new Set(overview.perspectives.map((p) => p.id));
    const day = params.get("day");
    const persp = known.has(params.get("perspective")) ? params.get("perspective") : overview.default_perspective;
    const cmp = known.has(params.get("compare")) ? params.get("compare") : null;
    this.state = {
      perspective: persp,
      perspectiveB: cmp || overview.perspectives.find((p) => p.id !== persp)?.id,
      compare: Boolean(cmp),
      day: day && isDay(day) ? clampDay(day) : clampDay(defaultDay(overview)),
    };
    this.containers = containers(overview);
    this.netCache = new Map();
    this.playing = null;
  }

  name(id) {
    return this.names.get(id) || id;
  }

  perspectiveName(id) {
    return this.overview.perspectives.find((p) => p.id === id)?.name || id;
  }

  /** The period of a lane actor that contains `day` under the current perspective. */
  periodOn(actorId, day = this.state.day, perspective = this.state.perspective) {
    const lane = this.overview.lanes.find((l) => l.actor.id === actorId);
    if (!lane) return null;
    return lane.periods[perspective].find((p) => p.from.earliest <= day && (!p.to || day <= p.to.latest)) || null;
  }

  start() {
    $("#corpus-title").textContent = this.overview.corpus.title;
    document.title = `foedus — ${this.overview.corpus.title}`;
    this.setupControls();
    this.details = new Details($("#details"), $("#source"), $("#details-h"), this.overview, this.state);
    this.details.onSelect = () => this.saveUrl();
    this.timeline = new TimelineView($("#timeline"), this.overview, this.state, (p) => this.open(p), () => this.saveUrl());
    this.timeline.timeline.once("changed", () => {
      performance.mark("foedus:first-render");
      performance.measure("foedus:first-render", { start: 0, end: "foedus:first-render" });
      document.body.dataset.ready = "1";
    });
    // The network's first drawing (its corpus-wide layout took 2.5 s of a large world's first
    // draw) waits until the timeline, and the rest of the page above the fold, has been drawn
    // and painted: the frame after the timeline's first draw, then a task.
    this.painted = new Promise((resolve) => {
      this.timeline.timeline.once("changed", () => {
        if (document.hidden) resolve();
        else requestAnimationFrame(() => setTimeout(resolve, 0));
      });
    });
    this.network = new NetworkView($("#network"), $("#edge-list"),
      (e) => this.openEdge(e), (id) => this.details.status(id, this.state.day, this.state.perspective), this.overview);
    this.network.note = $("#network-note");
    this.map = new MapView($("#map"), $("#map-caption"), (id) => this.details.status(id, this.state.day, this.state.perspective));
    this.map.names = (id) => this.name(id);
    this.map.ready.then(() => {
      this.map.setup(this.overview.lanes, this.overview.actors, this.containers);
      this.showMap();
    }).catch((err) => { $("#map-caption").textContent = `Map unavailable: ${err.message}`; });
    this.renderBreaches();
    this.ask = new AskBox($("#ask-form"), $("#ask-input"), $("#ask-answer"), this);
    this.search = new Search($("#search-input"), $("#search-results"), this);
    this.setupExport();
    this.setDay(this.state.day);
    window.foedus = this;
    // vis-timeline skips what it draws while out of the window; draw again once scrolled to.
    window.addEventListener("scroll", () => {
      clearTimeout(this.scrollTimer);
      this.scrollTimer = setTimeout(() => this.timeline.timeline.redraw(), 100);
    }, { passive: true });
    this.restoreView();
    this.ready = true;
    this.saveUrl();
  }

  /** Open what the URL selects (`sel`) and set the timeline's window (`window`). */
  restoreView() {
    let win = (params.get("window") || "").split("..");
    if (!(win.length === 2 && isDay(win[0]) && isDay(win[1]) && win[0] < win[1])) {
      // by default sixteen years around the day; the toolbar's range button shows them all
      win = dates.defaultWindow(this.state.day);
    }
    this.timeline.setWindowDays(win[0], win[1]);
    // vis-timeline's first draw applies its start and end options: set the window again after.
    this.timeline.timeline.once("changed", () => this.timeline.setWindowDays(win[0], win[1]));
    const sel = params.get("sel") || "";
    const at = sel.indexOf(":");
    const kind = sel.slice(0, at);
    const args = sel.slice(at + 1).split("|");
    let opened = null;
    if (kind === "event" && this.details.events.has(args[0])) opened = this.details.event(args[0]);
    else if (kind === "instrument" && this.details.instruments.has(args[0])) opened = this.details.instrument(args[0]);
    else if (kind === "status" && this.names.has(args[0])) opened = this.details.status(args[0], this.state.day, this.state.perspective);
    else if (kind === "breach") {
      const b = (this.overview.breaches[this.state.perspective] || []).find((x) => x.event === args[0] && x.treaty === args[1] && x.clause === args[2]);
      if (b) {
        this.openBreachGroup(b.event);
        opened = this.details.breach(b);
      }
    } else if (kind === "period") {
      const [pid, actorId, from] = args;
      const lane = this.overview.lanes.find((l) => l.actor.id === actorId);
      const period = lane?.periods[pid]?.find((p) => p.from.earliest === from);
      if (period) opened = this.details.period(lane.actor, period, pid);
    } else if (kind === "diff") {
      const [actorId, pa, pb, start, end] = args;
      const lane = this.overview.lanes.find((l) => l.actor.id === actorId);
      if (lane && isDay(start) && isDay(end)) opened = this.details.difference(lane.actor, [pa, pb], start, end);
    }
    if (opened) $("#details-section").scrollIntoView({ block: "start" });
    else if (this.overview.corpus.sources.length) showSource($("#source"), this.overview.corpus.sources[0].id, []);
  }

  /** The whole view in the URL (replaceState): day, perspective, compare, selection, window. */
  saveUrl() {
    if (!this.ready) return;
    clearTimeout(this.urlTimer);
    this.urlTimer = setTimeout(() => {
      const q = new URLSearchParams();
      q.set("day", this.state.day);
      q.set("perspective", this.state.perspective);
      if (this.state.compare && this.state.perspectiveB) q.set("compare", this.state.perspectiveB);
      if (this.details.selection) q.set("sel", this.details.selection);
      const [from, to] = this.timeline.window();
      if (from > dates.FIRST_DAY || to <= dates.LAST_DAY) q.set("window", `${from}..${to}`);
      const url = `${window.location.pathname}?${q.toString().replaceAll("%7C", "|").replaceAll("%3A", ":")}`;
      if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, "", url);
      document.body.dataset.url = url;
    }, 80);
  }

  setupExport() {
    const stamp = () => `${this.overview.corpus.name}-${this.state.day}-${this.state.perspective}`;
    const run = async (what) => {
      const bar = $("#status-bar");
      if (what.startsWith("network-") && this.network.cy.elements().empty()) {
        // an empty graph made a PNG of 0 bytes and an SVG whose box was Infinity wide
        bar.textContent = `Nothing to export: the network is empty on ${this.state.day}.`;
        bar.classList.remove("error");
        clearTimeout(this.barTimer);
        this.barTimer = setTimeout(() => { bar.textContent = ""; }, 4000);
        return;
      }
      try {
        if (what === "timeline-svg") await exportImage($("#timeline"), `${stamp()}-timeline.svg`, "svg");
        else if (what === "timeline-png") await exportImage($("#timeline"), `${stamp()}-timeline.png`, "png");
        else if (what === "network-svg") download(new Blob([this.network.svg()], { type: "image/svg+xml" }), `${stamp()}-network.svg`);
        else if (what === "network-png") download(this.network.cy.png({ output: "blob", bg: "#ffffff", full: true, scale: 2 }), `${stamp()}-network.png`);
        else if (what === "answers-json") download(new Blob([JSON.stringify(this.answers(), null, 2)], { type: "application/json" }), `${stamp()}-answers.json`);
        else if (what === "answers-csv") download(new Blob([toCsv(this.answerRows())], { type: "text/csv" }), `${stamp()}-answers.csv`);
      } catch (err) {
        bar.textContent = `Export failed: ${err.message}`;
        bar.classList.add("error");
      }
    };
    for (const b of document.querySelectorAll("[data-export]")) b.addEventListener("click", () => run(b.dataset.export));
  }

  /** What the page shows as answers: the view, the network's pairs, the details, the ask box. */
  answers() {
    return {
      corpus: this.overview.corpus.name, url: window.location.href, day: this.state.day,
      perspective: this.state.perspective, compare: this.state.compare ? this.state.perspectiveB : null,
      network: this.network.rows(),
      details: this.details.data ? { selection: this.details.selection, ...this.details.data, perspectives: this.details.perspectiveRows || [] } : null,
      ask: this.ask.last || null,
    };
  }

  /** The same as rows for CSV: section, subject, value, day, perspective, certainty. */
  answerRows() {
    const a = this.answers();
    const rows = a.network.map((r) => ({ section: "network",
      subject: r.a ? `${this.name(r.a)} – ${this.name(r.b)}` : r.parties.split("|").map((x) => this.name(x)).join("; "), value: r.name,
      kind: r.kind, day: r.day, perspective: r.perspective, certainty: r.certainty, breached: r.breached }));
    if (a.details) {
      for (const [k, v] of a.details.fields) rows.push({ section: "details", subject: a.details.title, value: `${k}: ${v}`, day: this.state.day, perspective: this.state.perspective });
      for (const r of a.details.perspectives) rows.push({ section: "perspectives", subject: this.name(r.actor), value: r.status, day: r.day, perspective: r.perspective, certainty: r.certainty });
    }
    if (a.ask) for (const line of a.ask.lines) rows.push({ section: "ask", subject: a.ask.question, value: line, perspective: this.state.perspective });
    return rows;
  }

  setupControls() {
    const sel = $("#perspective");
    const selB = $("#perspective-b");
    for (const p of this.overview.perspectives) {
      sel.append(new Option(p.name, p.id, false, p.id === this.state.perspective));
      selB.append(new Option(p.name, p.id, false, p.id === this.state.perspectiveB));
    }
    sel.title = this.overview.perspectives.find((p) => p.id === this.state.perspective)?.description || "";
    const cmp = $("#compare");
    cmp.checked = this.state.compare;
    selB.disabled = !cmp.checked;
    if (this.overview.perspectives.length < 2) {
      // one perspective (every imported or generated corpus): nothing to compare it with; the
      // box did nothing when ticked
      cmp.disabled = true;
      cmp.checked = false;
      cmp.closest("label").title = "This corpus has one perspective: there is none to compare it with.";
    }
    sel.addEventListener("change", () => this.setPerspective(sel.value));
    selB.addEventListener("change", () => { this.state.perspectiveB = selB.value; this.timeline.render(); this.saveUrl(); });
    cmp.addEventListener("change", () => {
      this.state.compare = cmp.checked;
      selB.disabled = !cmp.checked;
      this.otherPerspective();
      this.timeline.render();
      this.saveUrl();
    });
    $("#fit-label").textContent = `${dates.FIRST_DAY.slice(0, 4)}–${dates.LAST_DAY.slice(0, 4)}`;
    for (const b of document.querySelectorAll("[data-tl]")) {
      b.addEventListener("click", () => {
        const what = b.dataset.tl;
        if (what === "in") this.timeline.zoom(0.5);
        else if (what === "out") this.timeline.zoom(2);
        else if (what === "left") this.timeline.pan(-0.25);
        else if (what === "right") this.timeline.pan(0.25);
        else this.timeline.fit();
      });
    }
    const slider = $("#day-slider");
    slider.min = "0";
    slider.max = String(daysBetween(dates.FIRST_DAY, dates.LAST_DAY));
    slider.step = "1";
    slider.addEventListener("input", () => this.setDay(addDays(dates.FIRST_DAY, Number(slider.value))));
    slider.addEventListener("keydown", (ev) => {
      const jumps = { PageUp: [1, "m"], PageDown: [-1, "m"] };
      let next = null;
      if (jumps[ev.key]) next = addMonths(this.state.day, jumps[ev.key][0]);
      else if (ev.shiftKey && (ev.key === "ArrowRight" || ev.key === "ArrowUp")) next = addMonths(this.state.day, 12);
      else if (ev.shiftKey && (ev.key === "ArrowLeft" || ev.key === "ArrowDown")) next = addMonths(this.state.day, -12);
      if (next) {
        ev.preventDefault();
        this.setDay(clampDay(next));
      }
    });
    const input = $("#day-input");
    input.placeholder = "YYYY-MM-DD";
    input.addEventListener("change", () => {
      const v = input.value.trim();
      input.setAttribute("aria-invalid", String(!isDay(v)));
      if (isDay(v)) this.setDay(clampDay(v));
    });
    $("#play").addEventListener("click", () => this.togglePlay());
    const focus = $("#focus-actor");
    // The states of the timeline, then every other party to an instrument: a corpus imported
    // without a state list (GGO: 4,532 treaties, 200 parties, no lane) offered only "all", and
    // its graph of 500 nodes had no way in.
    const laneIds = new Set(this.overview.lanes.map((l) => l.actor.id));
    const others = [...new Set(this.overview.instruments.flatMap((i) => (i.parties || []).map((p) => p.actor?.id || p.actor)))]
      .filter((id) => id && !laneIds.has(id) && this.names.has(id))
      .sort((a, b) => this.name(a).localeCompare(this.name(b)));
    const group = (label, ids) => {
      const g = Object.assign(document.createElement("optgroup"), { label });
      g.append(...ids.map((id) => new Option(this.name(id), id)));
      return g;
    };
    if (!others.length) focus.append(...this.overview.lanes.map((l) => new Option(l.actor.name, l.actor.id)));
    else if (!laneIds.size) focus.append(group("Parties", others));
    else focus.append(group("States of the timeline", [...laneIds]), group("Other parties", others));
    focus.addEventListener("change", () => this.network.setFocus(focus.value));
    // The kinds of the corpus's instruments, each a checkbox: unticked kinds leave the network.
    const kinds = [...new Set(this.overview.instruments.map((i) => i.kind))].sort();
    const legend = $("#kind-legend");
    legend.replaceChildren(...kinds.map((k) => {
      const li = document.createElement("li");
      const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: true, id: `kind-${k}` });
      box.dataset.kind = k;
      box.addEventListener("change", () => this.network.setHiddenKinds(
        [...legend.querySelectorAll("input[data-kind]")].filter((x) => !x.checked).map((x) => x.dataset.kind)));
      const label = Object.assign(document.createElement("label"), { htmlFor: box.id });
      label.innerHTML = `<span class="line" style="background:${kindColour(k)}"></span>`;
      label.append(k.replaceAll("-", " "));
      li.append(box, label);
      return li;
    }), Object.assign(document.createElement("li"), { innerHTML: '<span class="line breach-line"></span>breached this day, or in the year or month the source gives' }),
    Object.assign(document.createElement("li"), { innerHTML: '<span class="line dotted-line"></span>possibly binding' }),
    Object.assign(document.createElement("li"), { innerHTML: '<span class="hub-sw" aria-hidden="true">◆</span>instrument of more than two parties' }));
  }

  /** Keep the compared perspective different from the chosen one. */
  otherPerspective() {
    if (this.state.perspectiveB && this.state.perspectiveB !== this.state.perspective) return;
    this.state.perspectiveB = this.overview.perspectives.find((p) => p.id !== this.state.perspective)?.id;
    $("#perspective-b").value = this.state.perspectiveB;
  }

  setPerspective(pid) {
    this.state.perspective = pid;
    this.otherPerspective();
    $("#perspective").title = this.overview.perspectives.find((p) => p.id === pid)?.description || "";
    this.timeline.render();
    this.renderBreaches();
    this.setDay(this.state.day);
    this.saveUrl();
  }

  /** Move the network, the map and the timeline's day marker to `day`. */
  setDay(day) {
    this.state.day = day;
    $("#day-slider").value = String(daysBetween(dates.FIRST_DAY, day));
    $("#day-slider").setAttribute("aria-valuetext", day);
    $("#day-input").value = day;
    $("#day-label").textContent = day;
    $("#day-label").setAttribute("datetime", day);
    this.timeline?.setDay(day);
    this.showMap();
    clearTimeout(this.netTimer);
    this.netTimer = setTimeout(() => this.loadNetwork(day, this.state.perspective), this.playing ? 0 : 60);
    this.saveUrl();
  }

  async loadNetwork(day, perspective) {
    const key = `${day}|${perspective}`;
    if (!this.netCache.has(key)) this.netCache.set(key, get("/api/v1/explorer/network", { on: day, perspective }));
    try {
      const net = await this.netCache.get(key);
      await this.painted;
      if (day !== this.state.day || perspective !== this.state.perspective) return;
      this.network.show(net, (id) => this.periodOn(id, day, perspective), (id) => this.name(id));
    } catch (err) {
      this.netCache.delete(key);
      $("#edge-list").replaceChildren(Object.assign(document.createElement("li"), { className: "error", textContent: err.message }));
    }
  }

  showMap() {
    if (!this.map?.paths) return;
    const day = this.state.day;
    const active = this.containers.filter((c) => c.from <= day && (!c.to || day <= c.to));
    this.map.show(day, this.perspectiveName(this.state.perspective), (id) => this.periodOn(id, day), active);
  }

  togglePlay() {
    const btn = $("#play");
    if (this.playing) {
      clearInterval(this.playing);
      this.playing = null;
      btn.textContent = "▶ Play";
      btn.setAttribute("aria-pressed", "false");
      return;
    }
    btn.textContent = "❚❚ Pause";
    btn.setAttribute("aria-pressed", "true");
    this.playing = setInterval(() => {
      const next = addMonths(this.state.day, 1);
      if (next > dates.LAST_DAY) this.togglePlay();
      else this.setDay(next);
    }, 350);
  }

  /** The breaches of the perspective, grouped by the act (event) that committed them. */
  renderBreaches() {
    const list = $("#breach-list");
    const rows = this.overview.breaches[this.state.perspective] || [];
    const byEvent = new Map();
    for (const b of rows) {
      if (!byEvent.has(b.event)) byEvent.set(b.event, []);
      byEvent.get(b.event).push(b);
    }
    const events = new Map(this.overview.events.map((e) => [e.id, e]));
    list.replaceChildren(...[...byEvent].map(([eid, bs]) => {
      const li = document.createElement("li");
      li.dataset.event = eid;
      const det = document.createElement("details");
      const sum = document.createElement("summary");
      const ev = events.get(eid);
      const treaties = new Set(bs.map((b) => b.treaty)).size;
      sum.textContent = `${bs[0].date.text}: ${ev ? ev.summary : eid} — ${bs.length} breach${bs.length === 1 ? "" : "es"} of ${treaties} instrument${treaties === 1 ? "" : "s"}`;
      const ul = document.createElement("ul");
      ul.replaceChildren(...bs.map((b) => {
        const item = document.createElement("li");
        item.append(this.details.breachButton(b));
        return item;
      }));
      det.append(sum, ul);
      li.append(det);
      return li;
    }));
    $("#breach-h").textContent = `Breaches (${rows.length}, by ${byEvent.size} act${byEvent.size === 1 ? "" : "s"})`;
    if (!rows.length) list.append(Object.assign(document.createElement("li"), { className: "hint", textContent: "No breach under this perspective." }));
  }

  openActor(id) {
    if ($("#focus-actor").querySelector(`option[value="${CSS.escape(id)}"]`)) {
      $("#focus-actor").value = id;
      this.network.setFocus(id);
    }
    return this.details.status(id, this.state.day, this.state.perspective);
  }

  openEvent(id) {
    const e = this.details.events.get(id);
    if (e) this.setDay(clampDay(e.date.earliest));
    return this.details.event(id);
  }

  openBreach(b) {
    this.openBreachGroup(b.event);
    return this.details.breach(b);
  }

  openBreachGroup(eventId) {
    const det = document.querySelector(`#breach-list li[data-event="${CSS.escape(eventId)}"] details`);
    if (det) det.open = true;
  }

  open(p) {
    if (p.kind === "period") return this.details.period(p.actor, p.period, p.perspective);
    if (p.kind === "event") return this.details.event(p.id);
    if (p.kind === "instrument") return this.details.instrument(p.id);
    if (p.kind === "difference") return this.details.difference(p.actor, p.perspectives, p.start, p.end);
    return null;
  }

  /** An edge of the network (a pair) or a hub (`parties`): its breach, else its instrument. */
  openEdge(e) {
    if (e.breaches.length) {
      const b = this.overview.breaches[this.state.perspective].find((x) => x.event === e.breaches[0].event && x.treaty === e.instrument.id && x.clause === e.breaches[0].clause);
      if (b) return this.details.breach(b);
    }
    const who = e.parties ? `${e.parties.length} parties` : `${this.name(e.source)} and ${this.name(e.target)}`;
    return this.details.instrument(e.instrument.id, `${who} on ${this.state.day}${e.certainty === "possible" ? " (possibly)" : ""}`, e.certainty_note);
  }

  /** Focus the timeline (and the day) on `day` and `actorId`, from an answer's link. */
  focus(day, actorId) {
    if (day) this.setDay(clampDay(day));
    this.timeline.focus(day || this.state.day, actorId);
    if (actorId) {
      $("#focus-actor").value = actorId;
      this.network.setFocus(actorId);
    }
    $("#timeline-section").scrollIntoView({ block: "start" });
  }
}

async function main() {
  const bar = $("#status-bar");
  try {
    const overview = await get("/api/v1/explorer/overview");
    performance.mark("foedus:data");
    new Explorer(overview).start();
  } catch (err) {
    bar.textContent = `Could not load the corpus: ${err.message}`;
    bar.classList.add("error");
  }
}

main();
