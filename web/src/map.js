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
    this.actorById = actorById;
    this.laneIds = new Set(lanes.map((l) => l.actor.id));
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
    // A large state the box leaves out altogether (Chile and Canada beside Austria and
    // Slovenia) would not be on the map at all: the box takes in its centre. One that
    // borders the box (the Soviet Union beside the Baltic states) stays cut.
    if (small.length && small.length < shapes.length) {
      for (const f of shapes.filter((x) => !small.includes(x))) {
        const [[bx0, by0], [bx1, by1]] = geoBounds(f);
        const across = bx1 < bx0; // across 180°: from bx0 east to bx1
        const meets = by0 <= y1 && y0 <= by1 && (across ? bx0 <= x1 || x0 <= bx1 : bx0 <= x1 && x0 <= bx1);
        if (meets) continue;
        const [cx, cy] = geoCentroid(f);
        [x0, x1, y0, y1] = [Math.min(x0, cx), Math.max(x1, cx), Math.min(y0, cy), Math.max(y1, cy)];
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
    this.standsFor = new Map();
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
        // The shape stands for whichever actor of its line of succession holds it on the day
        // shown (today's Russia: the Russian SFSR, the Soviet Union, the Russian Federation);
        // show() sets data-actor to it, and a click explains that actor.
        p.dataset.actor = actorId;
        p.dataset.home = actorId;
        p.setAttribute("tabindex", "0");
        p.setAttribute("role", "button");
        p.addEventListener("click", () => this.onState(p.dataset.actor));
        p.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); this.onState(p.dataset.actor); }
        });
        p.addEventListener("focus", () => this.ring(p));
        p.addEventListener("blur", () => this.ring(null));
        this.paths.set(actorId, p);
        this.standsFor.set(p, this.lineOf([actorId, this.containerOf.get(f)]));
      }
      if (this.containerOf.has(f)) p.dataset.container = this.containerOf.get(f);
      if (actorId || this.containerOf.has(f)) p.dataset.shape = f.properties.name; // Natural Earth's
      this.svg.append(p);
      const [cx, cy] = this.projection(geoCentroid(f)) || [-1, -1];
      const [[bx0, by0], [bx1, by1]] = this.path.bounds(f);
      // A shape much larger than the map: its label inside the visible part of it.
      const inside = cx > 0 && cx < W && cy > 0 && cy < H;
      const labelAt = inside ? [cx, cy] : [(Math.max(0, bx0) + Math.min(W, bx1)) / 2, (Math.max(0, by0) + Math.min(H, by1)) / 2];
      if (labelAt[0] > 20 && labelAt[0] < W - 20 && labelAt[1] > 10 && labelAt[1] < H - 10 && (actorId || (!this.wide && geoArea(f) > 0.004))) {
        labels.push([f.properties.name, labelAt, actorId, geoArea(f)]);
      }
    }
    // the timeline's states the map cannot draw: no shape of their names, nor of another of
    // their line (an imported "COW 1", Luxembourg at 1:110m, a state of the past)
    const drawn = new Set([...this.standsFor.values()].flat());
    this.unmapped = lanes.filter((l) => !this.laneFeatures.has(l.actor.id) && !drawn.has(l.actor.id)).map((l) => l.actor.name);
    // The focused state's outline, drawn over every shape (black under amber): its own stroke
    // was half under the neighbours drawn after it (Latvia over Lithuania's northern border),
    // amber on pale land. Below the labels; the tab order stays the shapes' order.
    this.rings = ["focus-ring-outer", "focus-ring"].map((cls) => {
      const r = document.createElementNS(NS, "path");
      r.setAttribute("class", cls);
      r.setAttribute("aria-hidden", "true");
      r.setAttribute("display", "none");
      this.svg.append(r);
      return r;
    });
    this.labels = new Map();
    for (const [name, [x, y], actorId, area] of labels) {
      const t = document.createElementNS(NS, "text");
      t.setAttribute("x", x);
      t.setAttribute("y", y);
      t.setAttribute("class", actorId ? "label lane" : "label");
      t.setAttribute("aria-hidden", "true");
      t.dataset.area = String(area);
      t.textContent = name;
      if (actorId) this.labels.set(this.paths.get(actorId), t);
      this.svg.append(t);
    }
  }

  /**
   * The actors a shape may stand for: each of `ids` (a lane's actor, the container drawn on
   * the shape) with its predecessors and successors, in the order they came into being.
   */
  lineOf(ids) {
    const out = [];
    const add = (id) => { if (id && !out.includes(id)) out.push(id); };
    for (const id of ids.filter(Boolean)) {
      const before = [];
      for (let a = this.actorById.get(id)?.predecessor; a && !before.includes(a) && before.length < 20; a = this.actorById.get(a)?.predecessor) before.unshift(a);
      before.forEach(add);
      add(id);
      for (let a = this.actorById.get(id)?.successor, n = 0; a && n < 20; a = this.actorById.get(a)?.successor, n++) add(a);
    }
    const from = (id) => this.actorById.get(id)?.existed_from?.earliest || "";
    return out.map((id, i) => [id, i]).sort((x, y) => (from(x[0]) < from(y[0]) ? -1 : from(x[0]) > from(y[0]) ? 1 : x[1] - y[1])).map(([id]) => id);
  }

  /** Whether `name` is one of actor `id`'s names or aliases (any case, any accents). */
  isNamed(id, name) {
    const a = this.actorById.get(id);
    return Boolean(a) && [a.name, ...(a.aliases || [])].some((n) => fold(n) === fold(name));
  }

  /** Whether the corpus lets actor `id` exist on `day` (its existed_from/existed_to, if any). */
  mayExist(id, day) {
    const a = this.actorById.get(id);
    if (!a) return false;
    return (!a.existed_from || a.existed_from.earliest <= day) && (!a.existed_to || day <= a.existed_to.latest);
  }

  /**
   * The actors a lane shape stands for on `day`: those of its line with a status that day
   * (certain ones first), else those that may exist then, else its own; each with its period.
   */
  standing(p, day, status) {
    const line = this.standsFor.get(p) || [p.dataset.home];
    const withStatus = line.map((id) => [id, status(id)]).filter(([, per]) => per);
    if (withStatus.length) {
      const certain = withStatus.filter(([, per]) => per.certainty !== "possible");
      return certain.length ? certain : withStatus;
    }
    const alive = line.filter((id) => this.mayExist(id, day));
    return (alive.length ? alive : [p.dataset.home]).map((id) => [id, null]);
  }

  /** Outline the focused shape `p` (a keyboard's focus only), or none. */
  ring(p) {
    const on = p && p.matches(":focus-visible");
    for (const r of this.rings || []) {
      if (on) r.setAttribute("d", p.getAttribute("d"));
      r.setAttribute("display", on ? "inline" : "none");
    }
  }

  /**
   * Colour the lane states by their status on `day`; `status(actorId)` gives the period. A
   * shape is named, coloured and explained as the actor it stands for that day.
   */
  show(day, perspectiveName, status, containers = []) {
    const parts = [];
    const onShapes = [];
    const coloured = new Set();
    for (const p of this.paths.values()) {
      const here = this.standing(p, day, status);
      const [actorId, per] = here[0];
      p.dataset.actor = actorId;
      if (per) coloured.add(p);
      const cls = per ? per.class : "none";
      // No status that day (the state did not exist): plain land, or its container's shade.
      p.style.fill = !per ? "" : per.certainty === "possible" ? `url(#hatch-${cls})` : STATUS_COLOURS[cls];
      p.dataset.status = cls;
      const words = ([id, x]) => `${x ? x.label : "no status"}${x?.certainty === "possible" ? " (possible)" : ""}`;
      const said = here.map((h) => `${this.laneName(h[0])}: ${words(h)}`);
      const names = here.map(([id]) => this.laneName(id)).join(" or ");
      // today's shape named after another actor (Natural Earth's Russia, in 1940 the Soviet Union's)
      const shape = p.dataset.shape || "";
      const other = shape && !here.some(([id]) => this.isNamed(id, shape));
      const drawnOn = other ? ` (drawn on the modern borders of ${shape})` : "";
      p.setAttribute("aria-label", `${names} on ${day}${drawnOn}: ${here.length > 1 ? said.join("; ") : words(here[0])}. Press Enter to explain.`);
      parts.push(...said);
      const label = this.labels.get(p);
      if (label) label.textContent = other ? here.map(([id]) => this.laneName(id)).join(" / ") : shape;
      if (other) onShapes.push(`${names} on the shape of today's ${shape}`);
    }
    const active = new Set(containers.map((c) => c.id));
    const shaded = [];
    for (const p of this.svg.querySelectorAll("path[data-container]")) {
      const on = active.has(p.dataset.container) && !coloured.has(p);
      p.classList.toggle("container", on);
      const c = containers.find((x) => x.id === p.dataset.container);
      if (on && c && !shaded.includes(c)) shaded.push(c);
    }
    const shapeName = (c) => {
      const p = this.svg.querySelector(`path[data-container="${CSS.escape(c.id)}"]`);
      const name = p?.dataset.shape;
      return name && !this.isNamed(c.id, name) ? ` (on the shape of today's ${name})` : "";
    };
    this.declutter();
    if (this.paths.size) this.svg.setAttribute("aria-label", `Map on ${day} under the ${perspectiveName} perspective. ${parts.join("; ")}.`);
    // What the map colours: nothing, when the corpus has no lane (GGO: treaties only, no
    // status) or none of its lanes has a shape (a generated world's "State 12"); the caption
    // said "the states of the timeline coloured by status" over a blank map.
    const what = this.paths.size
      ? "the states of the timeline coloured by status"
      : !this.laneIds.size
        ? "no state coloured: this corpus has no lane on the timeline (no state whose status it records), so the map shows the modern borders only"
        : "no state coloured: none of the timeline's states has a shape of its name on this map";
    if (!this.paths.size) this.svg.setAttribute("aria-label", `Map on ${day}: ${what}.`);
    this.caption.textContent = `${day}, ${perspectiveName}: ${what}` +
      `${onShapes.length ? `; ${onShapes.join("; ")}` : ""}` +
      `${shaded.length ? `; shaded: ${shaded.map((c) => `${c.name}${shapeName(c)}`).join(", ")}` : ""}. Modern borders (Natural Earth 1:110m, world-atlas), not those of the day.` +
      `${this.unmapped.length ? ` Not on the map (no shape of that name): ${this.unmapped.slice(0, 8).join(", ")}${this.unmapped.length > 8 ? ` and ${this.unmapped.length - 8} more` : ""}.` : ""}`;
  }

  /**
   * Hide each label that would overlap one kept before it: the timeline's states first, the
   * larger shapes first (a map of the world with the Baltic states on it wrote "Estonia",
   * "Latvia" and "Lithuania" over each other). Each shape still names itself in its
   * description, and the hidden labels show when the day's labels no longer collide.
   */
  declutter() {
    const order = [...this.svg.querySelectorAll("text.label")]
      .map((t) => [t, t.classList.contains("lane") ? 1 : 0, Number(t.dataset.area) || 0])
      .sort((a, b) => b[1] - a[1] || b[2] - a[2]);
    const kept = [];
    for (const [t] of order) {
      t.removeAttribute("display");
      const b = t.getBBox();
      if (!b.width) continue; // not drawn (the map hidden): nothing to compare
      const hit = kept.some((k) => b.x < k.x + k.width + 1 && k.x < b.x + b.width + 1 && b.y < k.y + k.height && k.y < b.y + b.height);
      if (hit) t.setAttribute("display", "none");
      else kept.push(b);
    }
  }

  laneName(actorId) {
    return this.names?.(actorId) || actorId;
  }
}
