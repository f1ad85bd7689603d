// The source text, with the quotes an answer rests on marked (<mark>) and scrolled into view.
// A quote is found as the corpus validator finds it: verbatim, runs of white space aside.

import { get } from "./api.js";

const texts = new Map();

async function sourceText(id) {
  if (!texts.has(id)) texts.set(id, get(`/api/v1/explorer/source/${encodeURIComponent(id)}`));
  return texts.get(id);
}

const escapeRe = (w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Where each quote occurs in the original text: `[[start, end), ...]` per quote, in order. A
 * quote matches where its words stand in the text separated by any run of white space (one
 * regular expression over the text: a 19 MB source was normalised character by character
 * before, seconds per selection).
 */
export function quoteHits(text, quotes) {
  return quotes.map((quote) => {
    const words = quote.split(/\s+/).filter(Boolean);
    const hits = [];
    if (!words.length) return hits;
    const re = new RegExp(words.map(escapeRe).join("\\s+"), "g");
    for (let m = re.exec(text); m; m = re.exec(text)) hits.push([m.index, m.index + m[0].length]);
    return hits;
  });
}

/** Ranges [start, end) of the original text where each quote occurs, merged and sorted. */
export function quoteRanges(text, quotes) {
  const ranges = quoteHits(text, quotes).flat();
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

// A wiki heading line ("= Title =", "==Section==") is shown as a heading, its markup dropped.
const HEADING = /^(={1,6})\s*(.+?)\s*\1[ \t]*$/gm;

/** Plain text as nodes: heading lines as headings (without the = signs), the rest as text. */
function textNodes(text) {
  const out = [];
  let pos = 0;
  for (const m of text.matchAll(HEADING)) {
    if (m.index > pos) out.push(document.createTextNode(text.slice(pos, m.index)));
    const h = document.createElement("strong");
    h.className = `src-h src-h${m[1].length}`;
    h.setAttribute("role", "heading");
    h.setAttribute("aria-level", String(Math.min(6, 3 + m[1].length)));
    h.textContent = m[2];
    out.push(h);
    pos = m.index + m[0].length;
  }
  if (pos < text.length) out.push(document.createTextNode(text.slice(pos)));
  return out;
}

/** A source longer than this many characters is shown in excerpts: its head and the lines
 * of its marked passages (an imported dataset's rows: GGO's is 19 MB, which the page laid out
 * whole, seconds for each selection). */
export const EXCERPT_FROM = 200000;
const HEAD_LINES = 12;

/** The start of the line holding offset `i`, and the end of the `n`th line from there. */
const lineStart = (text, i) => text.lastIndexOf("\n", i - 1) + 1;
function lineEnd(text, i, n = 1) {
  let at = i;
  for (let k = 0; k < n; k++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return at;
}

/**
 * The parts of `text` to show, as [start, end) ranges in order: all of it when it is short;
 * else its first lines and each marked range's lines with one line of context around them.
 */
export function excerpts(text, ranges) {
  if (text.length <= EXCERPT_FROM) return [[0, text.length]];
  const parts = [[0, lineEnd(text, 0, HEAD_LINES)]];
  for (const [s, e] of ranges) parts.push([lineStart(text, lineStart(text, s) - 1), lineEnd(text, e, 2)]);
  parts.sort((x, y) => x[0] - y[0]);
  const merged = [];
  for (const r of parts) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/**
 * Show source `id` in `box` with `quotes` marked, and scroll to the mark of `primary` (the
 * quote the selected fact cites; default the first quote), at its first place in the text.
 * A long source is shown in excerpts (`excerpts`), the rest left out and said so.
 * Returns the number of marks.
 */
export async function showSource(box, id, quotes, primary = null) {
  const src = await sourceText(id);
  const ranges = quoteRanges(src.text, quotes);
  box.replaceChildren();
  box.dataset.source = id;
  const parts = excerpts(src.text, ranges);
  const whole = parts.length === 1 && parts[0][1] - parts[0][0] === src.text.length;
  const head = document.createElement("p");
  head.className = "source-head";
  head.textContent = `${src.title}${src.licence ? ` (${src.licence})` : ""} — ${ranges.length} passage${ranges.length === 1 ? "" : "s"} marked` +
    `${whole ? "" : `; excerpts of ${(src.text.length / 1e6).toFixed(1)} million characters: the first lines and those of the marked passages`}`;
  const body = document.createElement("div");
  body.className = "source-text";
  let i = 0;
  ranges.forEach(([s, e], k) => { ranges[k] = [s, e, k]; });
  const gap = (n, end = "") => Object.assign(document.createElement("span"), {
    className: "source-gap", textContent: `[… ${n.toLocaleString("en")} characters left out …]${end}` });
  parts.forEach(([from, to], n) => {
    const prev = n ? parts[n - 1][1] : 0;
    if (from > prev) body.append(gap(from - prev, "\n"));
    let pos = from;
    while (i < ranges.length && ranges[i][0] < to) {
      const [s, e, k] = ranges[i++];
      body.append(...textNodes(src.text.slice(pos, Math.max(pos, s))));
      const mark = document.createElement("mark");
      mark.id = `q${k}`;
      mark.dataset.start = String(s);
      mark.dataset.end = String(e);
      mark.textContent = src.text.slice(s, e);
      body.append(mark);
      pos = e;
    }
    body.append(...textNodes(src.text.slice(pos, Math.max(pos, to))));
  });
  const last = parts[parts.length - 1][1];
  if (last < src.text.length) body.append(gap(src.text.length - last));
  box.append(head, body);
  const want = primary ?? quotes[0];
  const [hit] = want ? quoteHits(src.text, [want])[0] : [];
  const target = (hit && markAt(box, hit[0])) || body.querySelector("mark");
  if (target) scrollMark(box, target);
  return ranges.length;
}

/** The mark that holds offset `at` of the source text. */
function markAt(box, at) {
  for (const m of box.querySelectorAll("mark")) {
    if (Number(m.dataset.start) <= at && at < Number(m.dataset.end)) return m;
  }
  return null;
}

/** Make `mark` the current one and scroll it to the middle of the box, and the box into view. */
export function scrollMark(box, mark) {
  box.querySelectorAll("mark.current").forEach((m) => m.classList.remove("current"));
  mark.classList.add("current");
  const top = mark.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  box.scrollTo({ top: Math.max(0, top - box.clientHeight / 3), behavior: "auto" });
  const r = box.getBoundingClientRect();
  const m = mark.getBoundingClientRect();
  if (m.top < 0 || m.bottom > window.innerHeight || r.top < 0 || r.top > window.innerHeight) {
    mark.scrollIntoView({ block: "center", inline: "nearest" });
  }
}

/** Scroll to the mark of `quote` (its first place in the source), if it is shown. */
export async function scrollToQuote(box, quote) {
  const id = box.dataset.source;
  if (!id) return false;
  const src = await sourceText(id);
  const [hit] = quoteHits(src.text, [quote])[0];
  const mark = hit ? markAt(box, hit[0]) : null;
  if (!mark) return false;
  scrollMark(box, mark);
  return true;
}
