// Colours: instrument kinds (edges, instrument bars) and status classes (lanes, map, nodes).
// Chosen for contrast on white and distinguishable with common colour-vision deficiencies.

export const KIND_COLOURS = {
  treaty: "#1f5fa8",
  pact: "#6a3d9a",
  protocol: "#00796b",
  convention: "#b35900",
  "secret-protocol": "#444444",
  charter: "#8e1f5c",
  declaration: "#4d6b00",
  accords: "#08667f",
};

export const STATUS_COLOURS = {
  independent: "#2e7d32",
  occupied: "#c62828",
  part: "#5e35b1",
  other: "#757575",
};

export const BREACH_COLOUR = "#d50000";

// Kinds a corpus uses beyond the named ones get these, in the order they are first seen: those
// farthest from the status colours first (an imported corpus has one kind, ATOP's "agreement":
// it was the first, green, every bar and edge of the corpus in the green of "independent").
const MORE = ["#7b4f00", "#6d5c00", "#a1286a", "#8b2d00", "#2f6f73", "#3b4cc0", "#5d3fd3", "#1b6e3a"];
const assigned = new Map();

export function kindColour(kind) {
  if (KIND_COLOURS[kind]) return KIND_COLOURS[kind];
  if (!assigned.has(kind)) assigned.set(kind, MORE[assigned.size % MORE.length]);
  return assigned.get(kind);
}

export function statusClass(p) {
  if (!p) return "other";
  // each field lists every value that possibly holds, with its certainty
  if (p.occupied_by?.length) return "occupied";
  if (p.part_of?.length) return "part";
  if ((p.sovereign || []).some((v) => v.value === true)) return "independent";
  return "other";
}
