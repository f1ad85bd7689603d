// The map of the region on a day: each state of the timeline coloured by its status under the
// chosen perspective. Boundaries: Natural Earth 1:110m via the npm package world-atlas —
// modern borders, said so in the caption. Drawn with d3-geo from topojson-client features.

import { geoArea, geoBounds, geoCentroid, geoConicConformal, geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import worldUrl from "world-atlas/countries-110m.json?url";
import { STATUS_COLOURS } from "./palette.js";

const NS = "http://www.w3.org/2000/svg";
const W = 480;
const H = 360;

const fold = (s) => String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

export class MapView {
  constructor(svg, caption, onState) {
    this.svg = svg;
    this.caption = caption;
    this.onState = onState;
    this.ready = this.load();
  }

  async load() {
    const topo = await (await fetch(worldUrl)).json();
    this.features = feature(topo, topo.objects.countries).features;
    this.svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  }

  /**
   * Find the shapes of the actors by their names and aliases (Natural Earth's names), and fit
   * the projection to the lane states' shapes (the small ones when some are small, so that a
   * continent-wide neighbour does not shrink them; the whole world when none has a shape).
   * `containers` (from the periods) are shaded, on the shapes of the actors standing for them.
   */
  setup(lanes, actors = [], containers = []) {
    const byName = new Map(this.features.map((f) => [fold(f.properties.name), f]));
    const actorById = new Map(actors.map((a) => [a.id, a]));
    const shapeOf = (id, name) => {
      const a = actorById.get(id);
      for (const n of [name, a?.name, ...(a?.aliases || [])]) {
        const f = byName.get(fold(n));
        if (f) return f;
      }
      return null;
    };
    this.laneFeatures = new Map();
    for (const lane of lanes) {
      const f = shapeOf(lane.actor.id, lane.actor.name);
      if (f) this.laneFeatures.set(lane.actor.id, f);
    }
    this.containerOf = new Map();
    for (const c of containers) {
      for (const id of c.shapes) {
        const f = shapeOf(id, actorById.get(id)?.name);
        if (f) this.containerOf.set(f, c.id);
      }
    }
    const shapes = [...this.laneFeatures.values()];
    const small = shapes.filter((f) => geoArea(f) < 0.02);
    const fit = small.length ? small : shapes;
    let x0 = -170, y0 = -55, x1 = 170, y1 = 75;
    if (fit.length) {
      const bs = fit.map((f) => geoBounds(f)).filter((b) => b[1][0] >= b[0][0]); // not across 180°
      if (bs.length) {
        x0 = Math.min(...bs.map((b) => b[0][0])); y0 = Math.min(...bs.map((b) => b[0][1]));
        x1 = Math.max(...bs.map((b) => b[1][0])); y1 = Math.max(...bs.map((b) => b[1][1]));
      }
    }
    // A margin of half the box (at least 4° by 3°), so the neighbours show.
    const mx = Math.max(4, (x1 - x0) / 2);
    const my = Math.max(3, (y1 - y0) / 2);
    [x0, x1, y0, y1] = [Math.max(-180, x0 - mx), Math.min(180, x1 + mx), Math.max(-85, y0 - my), Math.min(85, y1 + my)];
    const box = { type: "MultiPoint", coordinates: [[x0, y0], [x1, y0], [x0, y1], [x1, y1], [(x0 + x1) / 2, y1], [(x0 + x1) / 2, y0]] };
    const wide = x1 - x0 > 90;
    this.wide = wide; // a continent or the world: only the lane states are labelled
    this.projection = (wide ? geoEqualEarth() : geoConicConformal().parallels([y0 + (y1 - y0) / 4, y1 - (y1 - y0) / 4]).rotate([-(x0 + x1) / 2, 0]))
      .fitExtent([[4, 4], [W - 4, H - 4]], box);
    this.projection.clipExtent([[0, 0], [W, H]]);
    this.path = geoPath(this.projection);
    this.svg.replaceChildren();
    const defs = document.createElementNS(NS, "defs");
    defs.innerHTML = Object.entries(STATUS_COLOURS).map(([k, c]) =>
      `<pattern id="hatch-${k}" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">` +
      `<rect width="8" height="8" fill="${c}" fill-opacity="0.35"/><rect width="4" height="8" fill="${c}"/></pattern>`).join("");
    this.svg.append(defs);
    const sea = document.createElementNS(NS, "rect");
    Object.entries({ width: W, height: H, class: "sea" }).forEach(([k, v]) => sea.setAttribute(k, v));
    this.svg.append(sea);
    this.paths = new Map();
    const laneByFeature = new Map([...this.laneFeatures].map(([id, f]) => [f, id]));
    const labels = [];
    for (const f of this.features) {
      const d = this.path(f);
      if (!d) continue;
      const p = document.createElementNS(NS, "path");
      p.setAttribute("d", d);
      p.setAttribute("class", "land");
      const actorId = laneByFeature.get(f);
      if (actorId) {
        p.dataset.actor = actorId;
        p.setAttribute("tabindex", "0");
        p.setAttribute("role", "button");
        p.addEventListener("click", () => this.onState(actorId));
        p.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); this.onState(actorId); }
        });
        this.paths.set(actorId, p);
      }
      if (this.containerOf.has(f)) p.dataset.container = this.containerOf.get(f);
      this.svg.append(p);
      const [cx, cy] = this.projection(geoCentroid(f)) || [-1, -1];
      const [[bx0, by0], [bx1, by1]] = this.path.bounds(f);
      // A shape much larger than the map: its label inside the visible part of it.
      const inside = cx > 0 && cx < W && cy > 0 && cy < H;
      const labelAt = inside ? [cx, cy] : [(Math.max(0, bx0) + Math.min(W, bx1)) / 2, (Math.max(0, by0) + Math.min(H, by1)) / 2];
      if (labelAt[0] > 20 && labelAt[0] < W - 20 && labelAt[1] > 10 && labelAt[1] < H - 10 && (actorId || (!this.wide && geoArea(f) > 0.004))) {
        labels.push([f.properties.name, labelAt, actorId]);
      }
    }
    for (const [name, [x, y], actorId] of labels) {
      const t = document.createElementNS(NS, "text");
      t.setAttribute("x", x);
      t.setAttribute("y", y);
      t.setAttribute("class", actorId ? "label lane" : "label");
      t.setAttribute("aria-hidden", "true");
      t.textContent = name;
      this.svg.append(t);
    }
  }

  /** Colour the lane states by their status on `day`; `status(actorId)` gives the period. */
  show(day, perspectiveName, status, containers = []) {
    const parts = [];
    for (const [actorId, p] of this.paths) {
      const per = status(actorId);
      const cls = per ? per.class : "none";
      // No status that day (the state did not exist): plain land, or its container's shade.
      p.style.fill = !per ? "" : per.certainty === "possible" ? `url(#hatch-${cls})` : STATUS_COLOURS[cls];
      p.dataset.status = cls;
      const label = `${per ? per.label : "no status"}${per?.certainty === "possible" ? " (possible)" : ""}`;
      p.setAttribute("aria-label", `${this.laneName(actorId)} on ${day}: ${label}. Press Enter to explain.`);
      parts.push(`${this.laneName(actorId)}: ${label}`);
    }
    const active = new Set(containers.map((c) => c.id));
    for (const p of this.svg.querySelectorAll("path[data-container]")) p.classList.toggle("container", active.has(p.dataset.container));
    const shaded = containers.filter((c) => this.svg.querySelector(`path[data-container="${CSS.escape(c.id)}"]`));
    this.svg.setAttribute("aria-label", `Map on ${day} under the ${perspectiveName} perspective. ${parts.join("; ")}.`);
    this.caption.textContent = `${day}, ${perspectiveName}: the states of the timeline coloured by status` +
      `${shaded.length ? `; shaded: ${shaded.map((c) => c.name).join(", ")} (on the borders of its successor or predecessor)` : ""}. Modern borders (Natural Earth 1:110m, world-atlas), not those of the day.`;
  }

  laneName(actorId) {
    return this.names?.(actorId) || actorId;
  }
}
