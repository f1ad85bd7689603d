// The treaty network on a day (Cytoscape.js): nodes are actors, edges the instruments binding
// a pair that day, coloured by kind; an edge breached that day is drawn red and thick. The same
// edges are listed as buttons below the graph, for the keyboard and for screen readers.

import cytoscape from "cytoscape";
import { BREACH_COLOUR, kindColour, STATUS_COLOURS } from "./palette.js";

// Fixed positions, roughly geographic, so that nodes stay put while the day changes.
const POSITIONS = {
  finland: [330, 20], estonia: [340, 110], latvia: [320, 190], lithuania: [300, 270],
  rsfsr: [520, 120], ussr: [540, 200], russia: [520, 290],
  poland: [200, 330], germany: [70, 290], czechoslovakia: [120, 400], romania: [400, 410],
  "united-kingdom": [20, 150], belgium: [20, 220], france: [30, 370], italy: [230, 430],
  "united-states": [60, 40], japan: [620, 40], india: [620, 420],
};

function position(id, i) {
  const p = POSITIONS[id];
  if (p) return { x: p[0], y: p[1] };
  return { x: 160 + (i % 5) * 90, y: 480 + Math.floor(i / 5) * 50 };
}

export class NetworkView {
  constructor(container, list, onEdge, onNode) {
    this.list = list;
    this.onEdge = onEdge;
    this.onNode = onNode;
    this.focusActor = "";
    this.cy = cytoscape({
      container, autoungrabify: true, boxSelectionEnabled: false, 
      minZoom: 0.3, maxZoom: 3,
      style: [
        { selector: "node", style: {
          label: "data(name)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3,
          color: "#1a1a1a", "text-background-color": "#fff", "text-background-opacity": 0.8,
          "text-background-padding": 1, "background-color": "data(colour)", width: 22, height: 22,
          "border-width": 2, "border-color": "#fff" } },
        { selector: "node[?possible]", style: { "border-style": "dashed", "border-color": "#222" } },
        { selector: "edge", style: {
          width: 2, "line-color": "data(colour)", "curve-style": "bezier",
          "control-point-step-size": 12, opacity: 0.85 } },
        { selector: "edge[?multilateral]", style: { width: 1, opacity: 0.35 } },
        { selector: "edge[?possible]", style: { "line-style": "dotted", opacity: 0.6 } },
        { selector: "edge[?breached]", style: {
          width: 6, "line-color": BREACH_COLOUR, "line-style": "solid", opacity: 1, "z-index": 10 } },
        { selector: ".faded", style: { opacity: 0.08 } },
        { selector: ":selected", style: { "overlay-color": "#000", "overlay-opacity": 0.15, "overlay-padding": 4 } },
      ],
    });
    this.cy.on("tap", "edge", (ev) => this.onEdge(ev.target.data("edge")));
    this.cy.on("tap", "node", (ev) => this.onNode(ev.target.id()));
    this.fitted = false;
  }

  /** Draw the network of one day; `status` maps actor ids to their period that day. */
  show(net, status, names) {
    this.net = net;
    const els = net.nodes.map((n, i) => {
      const st = status(n.id);
      return {
        group: "nodes",
        data: { id: n.id, name: n.name, colour: st ? STATUS_COLOURS[st.class] : "#9e9e9e",
                possible: st?.certainty === "possible" },
        position: position(n.id, i),
      };
    });
    const parties = new Map();
    for (const e of net.edges) {
      if (!parties.has(e.instrument.id)) parties.set(e.instrument.id, new Set());
      parties.get(e.instrument.id).add(e.source).add(e.target);
    }
    for (const e of net.edges) {
      els.push({ group: "edges", data: {
        id: e.id, source: e.source, target: e.target, colour: kindColour(e.kind),
        possible: e.certainty === "possible", breached: e.breaches.length > 0, edge: e,
        multilateral: (parties.get(e.instrument.id)?.size || 0) > 4 } });
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(els);
    });
    if (!this.fitted) {
      this.cy.fit(undefined, 20);
      this.fitted = true;
    }
    this.applyFocus();
    this.renderList(net, names);
  }

  setFocus(actorId) {
    this.focusActor = actorId;
    this.applyFocus();
    if (this.net) this.renderList(this.net, this.names);
  }

  applyFocus() {
    const a = this.focusActor;
    this.cy.elements().removeClass("faded");
    if (!a || this.cy.getElementById(a).empty()) return;
    const keep = this.cy.getElementById(a).closedNeighborhood();
    this.cy.elements().not(keep).addClass("faded");
  }

  renderList(net, names) {
    this.names = names;
    const edges = net.edges.filter((e) => !this.focusActor || e.source === this.focusActor || e.target === this.focusActor);
    const items = [];
    for (const e of edges) {
      const li = document.createElement("li");
      li.dataset.edge = e.id;
      li.dataset.instrument = e.instrument.id;
      li.dataset.pair = [e.source, e.target].join("|");
      const sw = document.createElement("span");
      sw.className = "sw";
      sw.style.background = kindColour(e.kind);
      const b = document.createElement("button");
      b.type = "button";
      b.className = "edge";
      b.textContent = `${names(e.source)} – ${names(e.target)}: ${e.instrument.name}`;
      b.setAttribute("aria-label", `${e.instrument.name} (${e.kind}) binds ${names(e.source)} and ${names(e.target)}${e.certainty === "possible" ? ", possibly" : ""}${e.breaches.length ? ", breached this day" : ""}`);
      b.addEventListener("click", () => this.onEdge(e));
      li.append(sw, b);
      if (e.certainty === "possible") li.append(" ", Object.assign(document.createElement("span"), { className: "badge possible", textContent: "possible" }));
      if (e.breaches.length) {
        li.classList.add("breached");
        li.append(" ", Object.assign(document.createElement("span"), { className: "badge breach", textContent: "breached this day" }));
      }
      items.push(li);
    }
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "hint";
      li.textContent = "No instrument binds a pair on this day.";
      items.push(li);
    }
    this.list.replaceChildren(...items);
    this.list.dataset.day = net.on;
    this.list.dataset.perspective = net.perspective;
  }
}
