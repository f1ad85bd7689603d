// The question box: the same plain-English questions as `foedus ask` (GET /api/v1/ask?q=),
// showing the query the question was mapped to, the answer, and links into the timeline.

import { get } from "./api.js";
import { dateText, isDay } from "./dates.js";

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
};

/** The mapped query as one line: `status actor=latvia on=1943-01-01 (de-facto)`. */
export function describeQuery(q) {
  if (!q) return "";
  if (typeof q === "string") return q;
  const args = Object.entries(q.args || {}).filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k.replace(/_$/, "")}=${Array.isArray(v) ? v.join(",") : v}`);
  const filt = Object.entries(q.filter || {}).map(([k, v]) => `[${k}=${Array.isArray(v) ? v.join(",") : v}]`);
  const over = q.over ? [`from=${q.over.from}`, `to=${q.over.to}`] : [];
  return [q.command, ...args, ...over, ...filt].join(" ") + (q.perspective ? ` (${q.perspective})` : "");
}

/** The lines of an answer shown in the box; the export has them all. */
export const SHOWN = 30;

/** A short human summary of an answer object, whatever command produced it. */
function summary(a) {
  const out = [];
  if (!a || typeof a !== "object") return [String(a)];
  if (a.status && a.actor) out.push(`${a.actor.name} on ${a.on}: ${a.status.label}${a.status.certainty === "possible" ? " (possibly)" : ""}`);
  if ("aggressor" in a) out.push(a.aggressor ? `Aggressor: ${a.aggressor.name}${a.act ? ` — ${a.act.summary} (${a.act.date.text})` : ""}` : "No aggressor found in the period.");
  if (a.treaties) out.push(...(a.treaties.length ? a.treaties.map((t) => `${t.name} (${t.kind})${t.certainty === "possible" ? ", possibly" : ""}`) : ["No instrument."]));
  if (a.breaches) out.push(...(a.breaches.length ? a.breaches.map((b) => `${b.event.summary} (${b.event.date.text}) breached ${b.treaty.name}, ${b.clause.id}`) : ["No breach."]));
  if (a.events && !a.periods) out.push(...(a.events.length ? a.events.map((e) => `${dateText(e.date)}: ${e.summary}`) : ["No event."]));
  if (a.periods) out.push(...a.periods.map((p) => `${p.from.text} – ${p.to ? p.to.text : "…"}: ${p.label}`));
  if (a.fluents) out.push(...a.fluents.map((f) => `${f.fluent}(${f.args.join(", ")})${f.value === "true" ? "" : ` = ${f.value}`}`));
  if (a.differences) out.push(...a.differences.map((d) => `${d.actor.name} ${d.from.text} – ${d.to ? d.to.text : "…"}: ${Object.entries(d.status).map(([p, s]) => `${p}: ${s.label}`).join(" / ")}`));
  if (a.clauses && a.name) out.push(`${a.name} (${a.kind}), signed ${a.signed ? a.signed.text : "?"}`);
  return out.length ? out : [JSON.stringify(a).slice(0, 400)];
}

/** Actor ids and ISO days mentioned by the query and the answer, for links into the timeline. */
function anchors(res, knownActors) {
  const actors = new Set();
  const days = new Set();
  const walk = (v, key = "") => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => walk(x, k));
    else if (typeof v === "string") {
      if (knownActors.has(v.toLowerCase())) actors.add(knownActors.get(v.toLowerCase()));
      if (isDay(v) && ["on", "from", "from_", "to", "earliest", "day"].includes(key)) days.add(v);
    }
  };
  walk(res.query || res.mapped || {});
  if (res.answer?.actor?.id) actors.add(res.answer.actor.id);
  if (res.answer?.on) days.add(res.answer.on);
  if (res.answer?.act?.date) days.add(res.answer.act.date.earliest);
  for (const b of res.answer?.breaches || []) days.add(b.event.date.earliest);
  return { actors: [...actors], days: [...days].sort().slice(0, 4) };
}

export class AskBox {
  constructor(form, input, out, app) {
    this.out = out;
    this.app = app;
    this.input = input;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.ask(input.value.trim());
    });
    // The corpus's own example questions (corpus.yaml `examples`), as links that ask them.
    const examples = app.overview?.corpus?.examples || [];
    if (examples.length) {
      input.placeholder = `e.g. ${examples[0]}`;
      this.out.replaceChildren(this.links(examples));
    }
  }

  links(questions) {
    const box = el("div", { className: "links suggestions" });
    for (const q of questions) {
      const b = el("button", { type: "button", className: "link", textContent: q });
      b.addEventListener("click", () => {
        this.input.value = q;
        this.ask(q);
      });
      box.append(b);
    }
    return box;
  }

  async ask(q) {
    if (!q) return;
    this.out.replaceChildren(el("p", { className: "hint", textContent: "Thinking…" }));
    delete this.out.dataset.ready;
    try {
      const res = await get("/api/v1/ask", { q, perspective: this.app.state.perspective });
      this.show(res);
    } catch (err) {
      // A question that cannot be answered: the line saying what is missing, then the corpus's
      // example questions as links that ask them.
      const parts = [el("p", { className: "error", textContent: err.message })];
      const suggestions = (err.body?.errors || []).flatMap((e) => e.suggestions || []);
      if (suggestions.length) parts.push(this.links(suggestions));
      this.out.replaceChildren(...parts);
    }
    this.out.dataset.ready = "1";
  }

  show(res) {
    const answer = res.answer ?? res.result ?? res;
    const query = res.query ?? res.mapped ?? res.command ?? null;
    const parts = [];
    if (res.verdict) parts.push(el("p", { className: "verdict" }, el("strong", { textContent: res.verdict.text })));
    if (query) parts.push(el("p", { className: "mapped" }, el("span", { className: "k", textContent: "Mapped to " }), el("code", { textContent: describeQuery(query) })));
    const ul = el("ul", { className: "answer" });
    // The list scrolls when long (a corpus of thousands of instruments): a scroll box the
    // keyboard reaches (axe: scrollable-region-focusable), named for a screen reader.
    ul.tabIndex = 0;
    ul.setAttribute("aria-label", "Answer");
    const lines = summary(answer);
    this.last = { question: res.question || "", query: describeQuery(query), lines, answer };
    for (const line of lines.slice(0, SHOWN)) ul.append(el("li", { textContent: line }));
    if (lines.length > SHOWN) {
      // the rest was cut without a word: say how many, and where they all are
      ul.append(el("li", { className: "more", textContent: `… and ${lines.length - SHOWN} more (${lines.length} in all; Export: Answers CSV or JSON lists every one)` }));
    }
    parts.push(ul);
    const known = this.app.actorIndex;
    const { actors, days } = anchors({ ...res, answer }, known);
    const lanes = new Set(this.app.overview.lanes.map((l) => l.actor.id));
    const links = el("div", { className: "links" });
    const laneActors = actors.filter((a) => lanes.has(a));
    for (const d of days.length ? days : [null]) {
      for (const a of laneActors.length ? laneActors : [null]) {
        if (!d && !a) continue;
        const label = `Show ${a ? this.app.name(a) : "the timeline"}${d ? ` on ${d}` : ""}`;
        const b = el("button", { type: "button", className: "link", textContent: label });
        b.addEventListener("click", () => this.app.focus(d, a));
        links.append(b);
      }
    }
    if (links.childElementCount) parts.push(links);
    if (answer?.explanation) {
      const b = el("button", { type: "button", className: "link", textContent: "Explain (with the source)" });
      b.addEventListener("click", () => this.app.details.wrap("answer", () => this.app.details.render(
        answer.explanation.conclusion, [["question", res.question || ""]], answer.explanation)));
      parts.push(b);
    }
    this.out.replaceChildren(...parts);
  }
}
