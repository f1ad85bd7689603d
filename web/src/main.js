// The foedus explorer: wires the timeline, the network, the map, the details and the question
// box to one state (perspective, compare mode, day) and to the HTTP API.

import { get } from "./api.js";
import { AskBox } from "./ask.js";
import { addDays, addMonths, clampDay, daysBetween, FIRST_DAY, isDay, LAST_DAY } from "./dates.js";
import { Details } from "./details.js";
import { MapView } from "./map.js";
import { NetworkView } from "./network.js";
import { KIND_COLOURS } from "./palette.js";
import { showSource } from "./source.js";
import { TimelineView } from "./timeline.js";
import "./style.css"; // after the libraries' styles, so that ours win

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(window.location.search);

class Explorer {
  constructor(overview) {
    this.overview = overview;
    this.names = new Map(overview.actors.map((a) => [a.id, a.name]));
    this.actorIndex = new Map();
    for (const a of overview.actors) {
      this.actorIndex.set(a.id.toLowerCase(), a.id);
      this.actorIndex.set(a.name.toLowerCase(), a.id);
    }
    const day = params.get("day");
    this.state = {
      perspective: params.get("perspective") || overview.default_perspective,
      perspectiveB: params.get("compare") || overview.perspectives.find((p) => p.id !== (params.get("perspective") || overview.default_perspective))?.id,
      compare: params.has("compare"),
      day: day && isDay(day) ? clampDay(day) : "1940-06-01",
    };
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
    this.timeline = new TimelineView($("#timeline"), this.overview, this.state, (p) => this.open(p));
    this.timeline.timeline.once("changed", () => {
      performance.mark("foedus:first-render");
      performance.measure("foedus:first-render", { start: 0, end: "foedus:first-render" });
      document.body.dataset.ready = "1";
    });
    this.network = new NetworkView($("#network"), $("#edge-list"),
      (e) => this.openEdge(e), (id) => this.details.status(id, this.state.day, this.state.perspective));
    this.map = new MapView($("#map"), $("#map-caption"), (id) => this.details.status(id, this.state.day, this.state.perspective));
    this.map.names = (id) => this.name(id);
    this.map.ready.then(() => {
      this.map.setup(this.overview.lanes);
      this.showMap();
    }).catch((err) => { $("#map-caption").textContent = `Map unavailable: ${err.message}`; });
    this.renderBreaches();
    if (this.overview.corpus.sources.length) showSource($("#source"), this.overview.corpus.sources[0].id, []);
    this.ask = new AskBox($("#ask-form"), $("#ask-input"), $("#ask-answer"), this);
    this.setDay(this.state.day);
    window.foedus = this;
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
    sel.addEventListener("change", () => this.setPerspective(sel.value));
    selB.addEventListener("change", () => { this.state.perspectiveB = selB.value; this.timeline.render(); });
    cmp.addEventListener("change", () => {
      this.state.compare = cmp.checked;
      selB.disabled = !cmp.checked;
      this.otherPerspective();
      this.timeline.render();
    });
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
    slider.max = String(daysBetween(FIRST_DAY, LAST_DAY));
    slider.step = "1";
    slider.addEventListener("input", () => this.setDay(addDays(FIRST_DAY, Number(slider.value))));
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
    input.addEventListener("change", () => { if (isDay(input.value)) this.setDay(clampDay(input.value)); });
    $("#play").addEventListener("click", () => this.togglePlay());
    const focus = $("#focus-actor");
    for (const lane of this.overview.lanes) focus.append(new Option(lane.actor.name, lane.actor.id));
    focus.addEventListener("change", () => this.network.setFocus(focus.value));
    $("#kind-legend").replaceChildren(...Object.entries(KIND_COLOURS).map(([k, c]) => {
      const li = document.createElement("li");
      li.innerHTML = `<span class="line" style="background:${c}"></span>${k.replace("-", " ")}`;
      return li;
    }), Object.assign(document.createElement("li"), { innerHTML: '<span class="line breach-line"></span>breached this day' }),
    Object.assign(document.createElement("li"), { innerHTML: '<span class="line dotted-line"></span>possibly binding' }),
    Object.assign(document.createElement("li"), { innerHTML: '<span class="line thin-line"></span>faint: instruments of more than four parties' }));
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
  }

  /** Move the network, the map and the timeline's day marker to `day`. */
  setDay(day) {
    this.state.day = day;
    $("#day-slider").value = String(daysBetween(FIRST_DAY, day));
    $("#day-slider").setAttribute("aria-valuetext", day);
    $("#day-input").value = day;
    $("#day-label").textContent = day;
    $("#day-label").setAttribute("datetime", day);
    this.timeline?.setDay(day);
    this.showMap();
    clearTimeout(this.netTimer);
    this.netTimer = setTimeout(() => this.loadNetwork(day, this.state.perspective), this.playing ? 0 : 60);
  }

  async loadNetwork(day, perspective) {
    const key = `${day}|${perspective}`;
    if (!this.netCache.has(key)) this.netCache.set(key, get("/api/v1/explorer/network", { on: day, perspective }));
    try {
      const net = await this.netCache.get(key);
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
    const soviet = day >= "1922-12-30" && day <= "1991-12-26" ? this.name("ussr") : null;
    this.map.show(day, this.perspectiveName(this.state.perspective), (id) => this.periodOn(id, day), soviet);
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
      if (next > LAST_DAY) this.togglePlay();
      else this.setDay(next);
    }, 350);
  }

  renderBreaches() {
    const list = $("#breach-list");
    const rows = this.overview.breaches[this.state.perspective] || [];
    list.replaceChildren(...rows.map((b) => {
      const li = document.createElement("li");
      li.append(this.details.breachButton(b));
      return li;
    }));
    if (!rows.length) list.append(Object.assign(document.createElement("li"), { className: "hint", textContent: "No breach under this perspective." }));
  }

  open(p) {
    if (p.kind === "period") return this.details.period(p.actor, p.period, p.perspective);
    if (p.kind === "event") return this.details.event(p.id);
    if (p.kind === "instrument") return this.details.instrument(p.id);
    if (p.kind === "difference") return this.details.difference(p.actor, p.perspectives, p.start, p.end);
    return null;
  }

  openEdge(e) {
    if (e.breaches.length) {
      const b = this.overview.breaches[this.state.perspective].find((x) => x.event === e.breaches[0].event && x.treaty === e.instrument.id && x.clause === e.breaches[0].clause);
      if (b) return this.details.breach(b);
    }
    return this.details.instrument(e.instrument.id, `${this.name(e.source)} and ${this.name(e.target)} on ${this.state.day}${e.certainty === "possible" ? " (possibly)" : ""}`);
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
