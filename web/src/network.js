// The treaty network on a day (Cytoscape.js). Nodes are actors; a bilateral instrument binding a
// pair that day is an edge between them, an instrument of more than two parties is one hub (a
// diamond, labelled with its name) with a spoke to each party bound that day, never a clique.
// Edges are coloured by kind, an edge breached that day (by an act dated to it, or to a year,
// month or span holding it: the list then says which) is red and thick, a possibly binding
// one dotted. Labels are kept apart (separateLabels). Positions are computed once from the whole corpus (Cytoscape's force-directed
// "cose" layout over every instrument's parties), so that nodes stay put while the day changes.
// The same instruments are listed as buttons below the graph, for the keyboard and screen
// readers; a filter by instrument kind applies to both. The corpus's layout is computed at the
// first show(), which the page calls once the timeline has been painted.

import cytoscape from "cytoscape";
import { BREACH_COLOUR, kindColour, STATUS_COLOURS } from "./palette.js";

const W = 900;
const H = 620;

/** A graph of more nodes than this (actors and hubs) is large: laid out more cheaply. */
export const LARGE = 300;
/** The spokes drawn on a day at most: past them, the largest instruments are listed, not drawn
 * (GGO on 2014-03-01: 1,179 instruments of more than two parties, 60,000 spokes). */
export const SPOKE_BUDGET = 1500;
/** The parties of an instrument that a large corpus's layout gives a hub. */
const HUB_PARTIES = 12;

/** A hub's label: its instrument's name, cut at a word (ATOP's names list every party). */
export function hubLabel(name, n = 48) {
  if (name.length <= n) return name;
  const cut = name.slice(0, n);
  const at = cut.lastIndexOf(" ");
  return `${(at > n / 2 ? cut.slice(0, at) : cut).replace(/[,;:.(]$/, "")}…`;
}

/**
 * Positions of every actor and of every multilateral instrument's hub, from the corpus. In a
 * large corpus (more than LARGE nodes) only the hubs of instruments of at most HUB_PARTIES
 * parties take part, the smallest first, as many as there are actors at most (an instrument
 * of every state pulls them all together, and 1,400 hubs took Cytoscape's cose a minute),
 * and cose runs fewer iterations; a hub it leaves out is drawn at its parties' centre.
 */
export function computeLayout(overview) {
  const els = [];
  const seen = new Set();
  const node = (id, hub = false) => {
    if (seen.has(id)) return;
    seen.add(id);
    els.push({ group: "nodes", data: { id, hub } });
  };
  for (const lane of overview.lanes) node(lane.actor.id);
  const members = overview.instruments.map((ins) =>
    [ins, [...new Set((ins.parties || []).map((p) => p.actor?.id || p.actor).filter(Boolean))]]);
  const actors = new Set([...overview.lanes.map((l) => l.actor.id), ...members.flatMap(([, ps]) => ps)]);
  let multi = members.filter(([, ps]) => ps.length > 2);
  if (actors.size + multi.length > LARGE) {
    multi = multi.filter(([, ps]) => ps.length <= HUB_PARTIES)
      .sort((a, b) => a[1].length - b[1].length).slice(0, actors.size);
  }
  const hubs = new Set(multi.map(([ins]) => ins.id));
  const pairs = new Set();
  for (const [ins, parties] of members) {
    parties.forEach((p) => node(p));
    if (parties.length > 2) {
      if (!hubs.has(ins.id)) continue;
      node(`hub:${ins.id}`, true);
      for (const p of parties) els.push({ group: "edges", data: { source: `hub:${ins.id}`, target: p } });
    } else if (parties.length === 2) {
      const key = parties.slice().sort().join("|");
      if (!pairs.has(key)) {
        pairs.add(key);
        els.push({ group: "edges", data: { source: parties[0], target: parties[1] } });
      }
    }
  }
  // Deterministic start (a circle in the order of the corpus), so the page looks the same on
  // every load.
  const n = els.filter((e) => e.group === "nodes").length;
  let i = 0;
  for (const e of els) {
    if (e.group !== "nodes") continue;
    const a = (2 * Math.PI * i++) / Math.max(1, n);
    e.position = { x: W / 2 + (W / 2.2) * Math.cos(a), y: H / 2 + (H / 2.2) * Math.sin(a) };
  }
  const cy = cytoscape({ headless: true, styleEnabled: false, elements: els });
  if (n > 1) {
    cy.layout({
      name: "cose", randomize: false, animate: false, fit: true, boundingBox: { x1: 0, y1: 0, w: W, h: H },
      nodeRepulsion: () => 9000, idealEdgeLength: (e) => (e.source().data("hub") ? 90 : 70),
      nodeOverlap: 20, componentSpacing: 60, numIter: n > LARGE ? Math.max(250, Math.round(1500 * (LARGE / n) ** 2)) : 1500,
    }).run();
  }
  const out = new Map();
  cy.nodes().forEach((v) => out.set(v.id(), { ...v.position() }));
  cy.destroy();
  return out;
}

export class NetworkView {
  constructor(container, list, onEdge, onNode, overview) {
    this.list = list;
    this.onEdge = onEdge;
    this.onNode = onNode;
    this.focusActor = "";
    this.hiddenKinds = new Set();
    // The corpus-wide layout (seconds on a large corpus) is computed at the first show(), not
    // here: the page draws the timeline first, then the network (see Explorer.start).
    this.overview = overview;
    this.positions = null;
    this.instruments = new Map(overview.instruments.map((i) => [i.id, i]));
    this.eventDates = new Map(overview.events.map((e) => [e.id, e.date]));
    this.cy = cytoscape({
      container, autoungrabify: true, boxSelectionEnabled: false,
      minZoom: 0.2, maxZoom: 4,
      style: [
        { selector: "node", style: {
          label: "data(name)", "font-size": 13, "text-valign": "bottom", "text-margin-y": 3,
          color: "#1a1a1a", "text-background-color": "#fff", "text-background-opacity": 0.85,
          "text-background-padding": 2, "background-color": "data(colour)", width: 22, height: 22,
          "border-width": 2, "border-color": "#fff",
          // a label too small to read at this zoom is not drawn (hundreds of states): zoom in,
          // or hover a node, to read it
          "min-zoomed-font-size": 7 } },
        { selector: "node[?possible]", style: { "border-style": "dashed", "border-color": "#222" } },
        { selector: "node[?hub]", style: {
          shape: "diamond", width: 16, height: 16, "background-color": "data(colour)", "font-size": 11,
          "font-style": "italic", color: "#333", "text-wrap": "wrap", "text-max-width": 120, "border-width": 1,
          "border-color": "#fff" } },
        { selector: "node[?lane]", style: { "font-weight": "bold", width: 26, height: 26 } },
        { selector: "edge", style: {
          width: 2.5, "line-color": "data(colour)", "curve-style": "bezier",
          "control-point-step-size": 10, opacity: 0.9 } },
        { selector: "edge[?spoke]", style: { width: 1.2, opacity: 0.55, "curve-style": "straight" } },
        { selector: "edge[?possible]", style: { "line-style": "dotted", opacity: 0.7 } },
        { selector: "edge[?breached]", style: {
          width: 6, "line-color": BREACH_COLOUR, "line-style": "solid", opacity: 1, "z-index": 10 } },
        // faded: no label (at a focused actor's zoom, hundreds of faded labels were a grey
        // scrawl under its own); the focused actor ringed
        { selector: ".faded", style: { opacity: 0.08, "text-opacity": 0 } },
        { selector: "node.focused", style: { "border-width": 4, "border-color": "#000", "font-weight": "bold", "z-index": 20 } },
        { selector: ":selected", style: { "overlay-color": "#000", "overlay-opacity": 0.15, "overlay-padding": 4 } },
      ],
    });
    this.cy.on("tap", "edge", (ev) => this.onEdge(ev.target.data("edge")));
    this.cy.on("tap", "node", (ev) => {
      const d = ev.target.data();
      if (d.hub) this.onEdge(d.edge);
      else this.onNode(ev.target.id());
    });
    // the name of a node under the pointer, whatever the zoom (labels too small are hidden)
    this.cy.on("mouseover", "node", (ev) => { container.title = ev.target.data("full") || ev.target.data("name") || ""; });
    this.cy.on("mouseout", "node", () => { container.title = ""; });
    this.userViewport = false;
    this.cy.on("viewport", () => { if (!this.fitting) this.userViewport = true; });
    this.note = null; // set by the page: says which instruments are listed but not drawn
  }

  position(id) {
    return this.positions.get(id) || { x: W / 2, y: H + 40 };
  }

  /**
   * The corpus-wide positions, computed once, at the first show(); marked
   * `foedus:network-layout` (a performance measure from navigation) when done.
   */
  layout() {
    if (this.positions) return;
    this.positions = computeLayout(this.overview);
    performance.mark("foedus:network-layout");
    performance.measure("foedus:network-layout", { start: 0, end: "foedus:network-layout" });
  }

  /** Draw the network of one day; `status` maps actor ids to their period that day. */
  show(net, status, names) {
    this.layout();
    this.net = net;
    this.status = status;
    this.names = names;
    this.draw();
    this.renderList();
  }

  /**
   * The day's instruments (visible kinds only), in the order of their ids: one that binds two
   * parties with its edge, one that binds more with its hub (`hub`: the answer's parties,
   * certainty, note and breaches) and no pairs.
   */
  groups() {
    const byIns = new Map();
    for (const e of this.net.edges) {
      if (this.hiddenKinds.has(e.kind)) continue;
      if (!byIns.has(e.instrument.id)) byIns.set(e.instrument.id, { instrument: e.instrument, kind: e.kind, edges: [], parties: new Set(), hub: null });
      const g = byIns.get(e.instrument.id);
      g.edges.push(e);
      g.parties.add(e.source).add(e.target);
    }
    for (const h of this.net.hubs || []) {
      if (this.hiddenKinds.has(h.kind)) continue;
      byIns.set(h.instrument.id, { instrument: h.instrument, kind: h.kind, edges: [], parties: new Set(h.parties.map((p) => p.id)), hub: h });
    }
    return [...byIns.values()].sort((a, b) => (a.instrument.id < b.instrument.id ? -1 : a.instrument.id > b.instrument.id ? 1 : 0));
  }

  /**
   * The hubs drawn: every one while their spokes stay within SPOKE_BUDGET, else the smallest
   * first until they would not (the others are listed below the graph, and the note says so).
   */
  drawnHubs(groups) {
    const hubs = groups.filter((g) => g.hub).sort((a, b) => a.parties.size - b.parties.size);
    const out = new Set();
    let spokes = 0;
    for (const g of hubs) {
      if (spokes + g.parties.size > SPOKE_BUDGET) break;
      spokes += g.parties.size;
      out.add(g.instrument.id);
    }
    this.undrawn = hubs.filter((g) => !out.has(g.instrument.id));
    return out;
  }

  draw() {
    const net = this.net;
    const lane = new Set(net.nodes.filter((n) => this.status(n.id)).map((n) => n.id));
    const els = net.nodes.map((n) => {
      const st = this.status(n.id);
      return {
        group: "nodes",
        data: { id: n.id, name: n.name, colour: st ? STATUS_COLOURS[st.class] : "#9e9e9e",
                possible: st?.certainty === "possible", lane: lane.has(n.id) },
        position: this.position(n.id),
      };
    });
    const groups = this.groups();
    const drawn = this.drawnHubs(groups);
    for (const g of groups) {
      const colour = kindColour(g.kind);
      if (!g.hub) {
        for (const e of g.edges) {
          els.push({ group: "edges", data: {
            id: e.id, source: e.source, target: e.target, colour, possible: e.certainty === "possible",
            breached: e.breaches.length > 0, edge: e } });
        }
        continue;
      }
      if (!drawn.has(g.instrument.id)) continue;
      // A hub: one node for the instrument, a spoke to each party bound that day; a spoke is
      // red when its party breached the instrument that day, or was the victim of the breach;
      // dotted when the party is only possibly bound, or the instrument only possibly in force.
      const h = g.hub;
      const pos = this.positions.get(h.id) || centroid([...g.parties].map((p) => this.position(p)));
      els.push({ group: "nodes", data: { id: h.id, name: hubLabel(h.instrument.name), full: h.instrument.name, hub: true, colour, edge: h }, position: pos });
      const breachedParties = new Set(h.breaches.flatMap((b) => [b.by, b.against]));
      for (const p of h.parties) {
        els.push({ group: "edges", data: {
          id: `${h.id}:${p.id}`, source: h.id, target: p.id, colour, spoke: true,
          possible: p.certainty === "possible" || h.certainty === "possible",
          breached: breachedParties.has(p.id), edge: h } });
      }
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(els);
    });
    // The day's graph laid out from the corpus-wide positions (so it changes little from one
    // day to the next), spread over the panel; kept as the reader zoomed it, if they did.
    this.fitting = true;
    const saved = this.userViewport ? { zoom: this.cy.zoom(), pan: { ...this.cy.pan() } } : null;
    const many = this.cy.nodes().length > LARGE;
    if (this.cy.nodes().length > 1 && !many) {
      this.cy.layout({
        name: "cose", randomize: false, animate: false, fit: true, padding: 24,
        // Parallel edges (one pair bound by several instruments) pull as one, not as several.
        nodeRepulsion: (n) => (n.data("hub") ? 8000 : 20000), idealEdgeLength: (e) => (e.data("spoke") ? 90 : 130),
        edgeElasticity: (e) => 32 * e.parallelEdges().length,
        nodeOverlap: 40, componentSpacing: 50, numIter: 800, gravity: 0.5,
      }).run();
      // cose keeps the nodes apart but not their labels (its nodeDimensionsIncludeLabels
      // counts a label's width as height, and spreads the graph until the labels are too
      // small to read): move the nodes whose labels overlap apart, a little at a time.
      separateLabels(this.cy);
    }
    this.cy.fit(undefined, 24);
    if (this.cy.zoom() > 1.6) {
      this.cy.zoom(1.6);
      this.cy.center();
    }
    if (saved) this.cy.viewport(saved);
    this.cy.nodes().forEach((v) => { this.positions.set(v.id(), { ...v.position() }); });
    this.fitting = false;
    this.applyFocus();
    if (!saved && this.focusActor) this.frameFocus();
    if (this.note) {
      const n = this.undrawn.length;
      const sizes = this.undrawn.map((g) => g.parties.size);
      this.note.textContent = n
        ? `Not drawn, to keep the graph readable: ${n} instrument${n === 1 ? "" : "s"} of ${Math.min(...sizes)}` +
          `${Math.max(...sizes) > Math.min(...sizes) ? ` to ${Math.max(...sizes)}` : ""} parties (listed below).`
        : this.cy.elements().empty()
          ? "Nothing to draw on this day: no instrument binds two parties, and no state of the timeline exists."
          : "";
    }
  }

  setFocus(actorId) {
    this.focusActor = actorId;
    this.applyFocus();
    this.frameFocus();
    if (this.net) this.renderList();
  }

  /**
   * Zoom onto the focused actor and its own edges and hubs (in a graph of 500 nodes, as GGO's
   * on any day, its label was not drawn and its node was a dot in a hairball); the whole
   * graph again when the focus is cleared.
   */
  frameFocus() {
    const me = this.focusActor ? this.cy.getElementById(this.focusActor) : null;
    this.fitting = true;
    this.cy.fit(me && me.nonempty() ? me.closedNeighborhood() : undefined, 24);
    if (this.cy.zoom() > 1.6) {
      const at = me && me.nonempty() ? me.renderedPosition() : null;
      this.cy.zoom(at ? { level: 1.6, renderedPosition: at } : 1.6);
      if (!at) this.cy.center();
    }
    this.fitting = false;
    this.userViewport = false;
  }

  setHiddenKinds(kinds) {
    this.hiddenKinds = new Set(kinds);
    if (this.net) {
      this.draw();
      this.renderList();
    }
  }

  applyFocus() {
    const a = this.focusActor;
    this.cy.elements().removeClass("faded focused");
    if (!a || this.cy.getElementById(a).empty()) return;
    const me = this.cy.getElementById(a);
    me.addClass("focused");
    const hubs = me.neighborhood("node[?hub]");
    const keep = me.closedNeighborhood().union(hubs.connectedEdges()).union(hubs.connectedEdges().connectedNodes());
    this.cy.elements().not(keep).addClass("faded");
  }

  /** One row per bilateral edge; one row per multilateral instrument, naming its parties. */
  renderList() {
    const names = this.names;
    const focus = this.focusActor;
    const items = [];
    for (const g of this.groups()) {
      if (focus && !g.parties.has(focus)) continue;
      const h = g.hub;
      const rows = h ? [null] : g.edges.filter((e) => !focus || e.source === focus || e.target === focus);
      for (const e of rows) {
        const li = document.createElement("li");
        li.dataset.instrument = g.instrument.id;
        const sw = Object.assign(document.createElement("span"), { className: "sw" });
        sw.style.background = kindColour(g.kind);
        const b = document.createElement("button");
        b.type = "button";
        b.className = "edge";
        if (e) {
          li.dataset.edge = e.id;
          li.dataset.pair = [e.source, e.target].join("|");
          b.textContent = `${names(e.source)} – ${names(e.target)}: ${g.instrument.name}`;
          b.setAttribute("aria-label", `${b.textContent} (${g.kind})${e.certainty === "possible" ? `, possibly binding${e.certainty_note ? `: ${e.certainty_note}` : ""}` : ""}${e.breaches.length ? `, ${this.breachedWhen(e.breaches)}` : ""}`);
          b.addEventListener("click", () => this.onEdge(e));
        } else {
          const parties = [...g.parties].sort((x, y) => names(x).localeCompare(names(y)));
          li.dataset.parties = parties.join("|");
          li.dataset.edge = h.id;
          b.textContent = `${g.instrument.name}: ${parties.length} parties`;
          b.title = parties.map(names).join(", ");
          b.setAttribute("aria-label", `${b.textContent} (${g.kind}): ${parties.map(names).join(", ")}${h.breaches.length ? `; ${this.breachedWhen(h.breaches)}` : ""}`);
          b.addEventListener("click", () => this.onEdge(h));
        }
        li.append(sw, b);
        const what = e || h;
        // why only possibly: the treaties answer's certainty_note (an end no rule of this view gives)
        if (what.certainty === "possible") li.append(" ", Object.assign(document.createElement("span"), { className: "badge possible", textContent: "possible", title: what.certainty_note || "" }));
        if (what.breaches.length) {
          li.classList.add("breached");
          li.append(" ", Object.assign(document.createElement("span"), { className: "badge breach", textContent: this.breachedWhen(what.breaches) }));
        }
        items.push(li);
      }
    }
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "hint";
      li.textContent = "No instrument binds a pair on this day.";
      items.push(li);
    }
    this.list.replaceChildren(...items);
    this.list.dataset.day = this.net.on;
    this.list.dataset.perspective = this.net.perspective;
  }

  /**
   * When an edge's acts breached it, as the source dates them: "breached this day" only for
   * an act dated to this very day; an act the source dates only by its year, month or a
   * span holding the day was not committed on every day of it: "breached in 1940 (the
   * source gives no day)". "possibly" when every one of the breaches is only possible.
   */
  breachedWhen(breaches) {
    const verb = breaches.length && breaches.every((b) => b.certainty === "possible") ? "possibly breached" : "breached";
    const dates = breaches.map((b) => this.eventDates.get(b.event));
    if (!dates.length || dates.some((d) => !d || d.earliest === d.latest)) return `${verb} this day`;
    const texts = [...new Set(dates.map((d) => d.text))];
    return `${verb} in ${texts.join(" and in ")} (the source gives no day)`;
  }

  /** Rows of the day's network for export: one per pair bound by an instrument of two
   * parties, one per instrument binding more (its parties, `|`-separated). */
  rows() {
    if (!this.net) return [];
    return this.groups().flatMap((g) => (g.hub
      ? [{ day: this.net.on, perspective: this.net.perspective, instrument: g.instrument.id, name: g.instrument.name,
        kind: g.kind, a: null, b: null, parties: [...g.parties].join("|"), certainty: g.hub.certainty,
        certainty_note: g.hub.certainty_note, breached: g.hub.breaches.length > 0 }]
      : g.edges.map((e) => ({
        day: this.net.on, perspective: this.net.perspective, instrument: e.instrument.id, name: e.instrument.name,
        kind: e.kind, a: e.source, b: e.target, certainty: e.certainty, certainty_note: e.certainty_note, breached: e.breaches.length > 0,
      }))));
  }

  /** The graph as it is drawn, as a standalone SVG document (vector: nodes, edges, labels). */
  svg() {
    const bb = this.cy.elements().boundingBox({ includeLabels: true });
    const pad = 10;
    const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
    const parts = [];
    const faded = (el) => (el.hasClass("faded") ? ' opacity="0.1"' : "");
    this.cy.edges().forEach((e) => {
      const s = e.sourceEndpoint();
      const t = e.targetEndpoint();
      const d = e.data();
      const w = d.breached ? 6 : d.spoke ? 1.2 : 2.5;
      parts.push(`<line x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="${d.breached ? BREACH_COLOUR : d.colour}" stroke-width="${w}"${d.possible && !d.breached ? ' stroke-dasharray="2 3"' : ""}${faded(e)}/>`);
    });
    this.cy.nodes().forEach((n) => {
      const p = n.position();
      const d = n.data();
      const shape = d.hub
        ? `<path d="M${p.x} ${p.y - 8}L${p.x + 8} ${p.y}L${p.x} ${p.y + 8}L${p.x - 8} ${p.y}Z" fill="${d.colour}"/>`
        : `<circle cx="${p.x}" cy="${p.y}" r="${d.lane ? 13 : 11}" fill="${d.colour}" stroke="#fff" stroke-width="2"/>`;
      parts.push(`<g${faded(n)}>${shape}<text x="${p.x}" y="${p.y + 26}" text-anchor="middle" font-size="${d.hub ? 11 : 13}" font-family="sans-serif"${d.lane ? ' font-weight="bold"' : ""}${d.hub ? ' font-style="italic"' : ""}>${esc(d.name)}</text></g>`);
    });
    const vb = `${bb.x1 - pad} ${bb.y1 - pad} ${bb.w + 2 * pad} ${bb.h + 2 * pad}`;
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${vb}" width="${bb.w + 2 * pad}" height="${bb.h + 2 * pad}"><rect x="${bb.x1 - pad}" y="${bb.y1 - pad}" width="${bb.w + 2 * pad}" height="${bb.h + 2 * pad}" fill="#fff"/>${parts.join("")}</svg>`;
  }
}

/**
 * Move nodes apart until no two of their boxes, label included, overlap (or `rounds` passes):
 * each overlapping pair is pushed apart along the axis on which it overlaps least, half each.
 * A label keeps its place relative to its node, so the boxes are measured once.
 */
export function separateLabels(cy, { gap = 3, rounds = 200 } = {}) {
  const nodes = cy.nodes().toArray();
  const pos = nodes.map((n) => ({ ...n.position() }));
  const rel = nodes.map((n, i) => {
    const b = n.boundingBox({ includeLabels: true, includeOverlays: false });
    return { x1: b.x1 - pos[i].x, x2: b.x2 - pos[i].x, y1: b.y1 - pos[i].y, y2: b.y2 - pos[i].y };
  });
  for (let round = 0; round < rounds; round++) {
    let moved = false;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = rel[i], b = rel[j], p = pos[i], q = pos[j];
        const dx = Math.min(p.x + a.x2, q.x + b.x2) - Math.max(p.x + a.x1, q.x + b.x1) + gap;
        const dy = Math.min(p.y + a.y2, q.y + b.y2) - Math.max(p.y + a.y1, q.y + b.y1) + gap;
        if (dx <= 0 || dy <= 0) continue;
        moved = true;
        // the centres of the boxes, to know which way each goes (ties: by order)
        const cx = (q.x + (b.x1 + b.x2) / 2) - (p.x + (a.x1 + a.x2) / 2);
        const cyy = (q.y + (b.y1 + b.y2) / 2) - (p.y + (a.y1 + a.y2) / 2);
        if (dy <= dx) {
          const s = (cyy >= 0 ? 1 : -1) * (dy / 2 + 0.5);
          p.y -= s;
          q.y += s;
        } else {
          const s = (cx >= 0 ? 1 : -1) * (dx / 2 + 0.5);
          p.x -= s;
          q.x += s;
        }
      }
    }
    if (!moved) break;
  }
  cy.batch(() => nodes.forEach((n, i) => n.position(pos[i])));
}

function centroid(points) {
  if (!points.length) return { x: W / 2, y: H / 2 };
  return { x: points.reduce((a, p) => a + p.x, 0) / points.length, y: points.reduce((a, p) => a + p.y, 0) / points.length };
}
