// The source text, with the quotes an answer rests on marked (<mark>) and scrolled into view.
// A quote is found as the corpus validator finds it: verbatim, runs of white space aside.

import { get } from "./api.js";

const texts = new Map();

async function sourceText(id) {
  if (!texts.has(id)) texts.set(id, get(`/api/v1/explorer/source/${encodeURIComponent(id)}`));
  return texts.get(id);
}

/** The normalised text (white space runs as one space) and, per its index, the original index. */
function normalise(text) {
  let out = "";
  const map = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (!inSpace && out.length > 0) {
        out += " ";
        map.push(i);
      }
      inSpace = true;
    } else {
      out += ch;
      map.push(i);
      inSpace = false;
    }
  }
  return { out, map };
}

/** Where each quote occurs in the original text: `[[start, end), ...]` per quote, in order. */
export function quoteHits(text, quotes) {
  const { out, map } = normalise(text);
  return quotes.map((quote) => {
    const q = quote.split(/\s+/).filter(Boolean).join(" ");
    const hits = [];
    if (!q) return hits;
    let at = out.indexOf(q);
    while (at >= 0) {
      hits.push([map[at], map[at + q.length - 1] + 1]);
      at = out.indexOf(q, at + q.length);
    }
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

/**
 * Show source `id` in `box` with `quotes` marked, and scroll to the mark of `primary` (the
 * quote the selected fact cites; default the first quote), at its first place in the text.
 * Returns the number of marks.
 */
export async function showSource(box, id, quotes, primary = null) {
  const src = await sourceText(id);
  const ranges = quoteRanges(src.text, quotes);
  box.replaceChildren();
  box.dataset.source = id;
  const head = document.createElement("p");
  head.className = "source-head";
  head.textContent = `${src.title}${src.licence ? ` (${src.licence})` : ""} — ${ranges.length} passage${ranges.length === 1 ? "" : "s"} marked`;
  const body = document.createElement("div");
  body.className = "source-text";
  let pos = 0;
  ranges.forEach(([s, e], i) => {
    body.append(...textNodes(src.text.slice(pos, s)));
    const mark = document.createElement("mark");
    mark.id = `q${i}`;
    mark.dataset.start = String(s);
    mark.dataset.end = String(e);
    mark.textContent = src.text.slice(s, e);
    body.append(mark);
    pos = e;
  });
  body.append(...textNodes(src.text.slice(pos)));
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
