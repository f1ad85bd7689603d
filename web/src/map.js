// The map of the region on a day: each state of the timeline coloured by its status under the
// chosen perspective. Boundaries: Natural Earth 1:110m via the npm package world-atlas —
// modern borders, said so in the caption. Drawn with d3-geo from topojson-client features.

import { geoArea, geoBounds, geoCentroid, geoConicConformal, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import worldUrl from "world-atlas/countries-110m.json?url";
import { STATUS_COLOURS } from "./palette.js";

const NS = "http://www.w3.org/2000/svg";
const W = 480;
const H = 360;

// The polities that today's borders stand for while they were part of another state.
const SOVIET_SUCCESSORS = ["Russia", "Belarus", "Ukraine", "Moldova"];

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

  /** Fit the projection to the small states of the lanes (plus a margin), once. */
  setup(lanes) {
    const byName = new Map(this.features.map((f) => [f.properties.name, f]));
    this.laneFeatures = new Map();
    for (const lane of lanes) {
      const f = byName.get(lane.actor.name);
      if (f) this.laneFeatures.set(lane.actor.id, f);
    }
    const small = [...this.laneFeatures.values()].filter((f) => geoArea(f) < 0.02);
    let [[x0, y0], [x1, y1]] = [[20, 53], [29, 60]];
    if (small.length) {
      const bs = small.map((f) => geoBounds(f));
      x0 = Math.min(...bs.map((b) => b[0][0])); y0 = Math.min(...bs.map((b) => b[0][1]));
      x1 = Math.max(...bs.map((b) => b[1][0])); y1 = Math.max(...bs.map((b) => b[1][1]));
    }
    const box = { type: "MultiPoint", coordinates: [
      [x0 - 9, y0 - 3.5], [x1 + 9, y0 - 3.5], [x0 - 9, y1 + 2.5], [x1 + 9, y1 + 2.5], [(x0 + x1) / 2, y1 + 2.5]] };
    this.projection = geoConicConformal().parallels([y0, y1]).rotate([-(x0 + x1) / 2, 0])
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
      } else if (SOVIET_SUCCESSORS.includes(f.properties.name)) {
        p.dataset.soviet = "1";
      }
      this.svg.append(p);
      const [cx, cy] = this.projection(geoCentroid(f)) || [-1, -1];
      const labelAt = f.properties.name === "Russia" ? [W - 60, H / 2] : [cx, cy];
      if (labelAt[0] > 20 && labelAt[0] < W - 20 && labelAt[1] > 10 && labelAt[1] < H - 10 && (actorId || geoArea(f) > 0.004)) {
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
  show(day, perspectiveName, status, sovietName) {
    const parts = [];
    for (const [actorId, p] of this.paths) {
      const per = status(actorId);
      const cls = per ? per.class : "other";
      const fill = per && per.certainty === "possible" ? `url(#hatch-${cls})` : STATUS_COLOURS[cls];
      p.style.fill = fill;
      p.dataset.status = cls;
      const label = `${per ? per.label : "no status"}${per?.certainty === "possible" ? " (possible)" : ""}`;
      p.setAttribute("aria-label", `${this.laneName(actorId)} on ${day}: ${label}. Press Enter to explain.`);
      parts.push(`${this.laneName(actorId)}: ${label}`);
    }
    for (const p of this.svg.querySelectorAll("path[data-soviet]")) p.classList.toggle("soviet", Boolean(sovietName));
    this.svg.setAttribute("aria-label", `Map on ${day} under the ${perspectiveName} perspective. ${parts.join("; ")}.`);
    this.caption.textContent = `${day}, ${perspectiveName}: the states of the timeline coloured by status` +
      `${sovietName ? `; shaded: ${sovietName}` : ""}. Modern borders (Natural Earth 1:110m, world-atlas), not those of the day.`;
  }

  laneName(actorId) {
    return this.names?.(actorId) || actorId;
  }
}
