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

/** Ranges [start, end) of the original text where each quote occurs, merged and sorted. */
export function quoteRanges(text, quotes) {
  const { out, map } = normalise(text);
  const ranges = [];
  for (const quote of quotes) {
    const q = quote.split(/\s+/).filter(Boolean).join(" ");
    if (!q) continue;
    let at = out.indexOf(q);
    while (at >= 0) {
      ranges.push([map[at], map[at + q.length - 1] + 1]);
      at = out.indexOf(q, at + q.length);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/**
 * Show source `id` in `box` with `quotes` marked; scroll the first mark into view.
 * Returns the number of marks.
 */
export async function showSource(box, id, quotes) {
  const src = await sourceText(id);
  const ranges = quoteRanges(src.text, quotes);
  box.replaceChildren();
  const head = document.createElement("p");
  head.className = "source-head";
  head.textContent = `${src.title}${src.licence ? ` (${src.licence})` : ""} — ${ranges.length} passage${ranges.length === 1 ? "" : "s"} marked`;
  const body = document.createElement("div");
  body.className = "source-text";
  let pos = 0;
  ranges.forEach(([s, e], i) => {
    body.append(document.createTextNode(src.text.slice(pos, s)));
    const mark = document.createElement("mark");
    mark.id = `q${i}`;
    mark.textContent = src.text.slice(s, e);
    body.append(mark);
    pos = e;
  });
  body.append(document.createTextNode(src.text.slice(pos)));
  box.append(head, body);
  const first = body.querySelector("mark");
  if (first) scrollMark(box, first);
  return ranges.length;
}

/** Scroll `mark` into view inside the scrolling `box` (not the whole page). */
export function scrollMark(box, mark) {
  box.querySelectorAll("mark.current").forEach((m) => m.classList.remove("current"));
  mark.classList.add("current");
  const top = mark.offsetTop - box.offsetTop - box.clientHeight / 3;
  box.scrollTo({ top: Math.max(0, top), behavior: "auto" });
}

/** Scroll to the mark that holds `quote`, if it is shown. */
export function scrollToQuote(box, quote) {
  const q = quote.split(/\s+/).filter(Boolean).join(" ");
  for (const mark of box.querySelectorAll("mark")) {
    const m = mark.textContent.split(/\s+/).filter(Boolean).join(" ");
    if (m.includes(q) || q.includes(m)) {
      scrollMark(box, mark);
      return true;
    }
  }
  return false;
}
