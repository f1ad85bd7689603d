// Export of the view: images of the timeline (html-to-image: SVG or PNG of the DOM as drawn)
// and of the network (network.js draws its own SVG; Cytoscape its PNG), the answers on screen
// as CSV or JSON. Everything is made in the page; nothing is sent anywhere.

import { toPng, toSvg } from "html-to-image";

/** Save `blob` (or a data: URL) under `name`. */
export function download(blob, name) {
  const url = typeof blob === "string" ? blob : URL.createObjectURL(blob);
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof blob !== "string") setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** An image of `node` as it is drawn: `svg` or `png`. */
export async function exportImage(node, name, format) {
  const opts = { backgroundColor: "#ffffff", cacheBust: false, skipFonts: true };
  const url = format === "svg" ? await toSvg(node, opts) : await toPng(node, { ...opts, pixelRatio: 2 });
  download(url, name);
  return url;
}

/** Rows of objects as CSV (RFC 4180): the union of their keys as the header. */
export function toCsv(rows) {
  const keys = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const cell = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [keys.join(","), ...rows.map((r) => keys.map((k) => cell(r[k])).join(","))].join("\r\n") + "\r\n";
}
