// The details panel: the explanation tree of whatever was clicked, and the source text with
// the quotes the explanation rests on marked.

import { get } from "./api.js";
import { dateText, saidBound, spanText } from "./dates.js";
import { scrollToQuote, showSource } from "./source.js";

// A clause's article as a reader names it (as foedus.model.records.Clause.article_label):
// "Article" before a bare number or Roman numeral, anything else as written.
function articleLabel(a) {
  return /^(?:[0-9]+|[IVXLCDM]+)\b/.test(a) ? `Article ${a}` : a;
}

/** The parties an instrument's details list unfolded; more are folded in a disclosure. */
export const PARTIES_SHOWN = 20;

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
};

/** Every quote in an explanation tree. */
export function allQuotes(tree) {
  const out = [...(tree.sources || [])];
  for (const p of tree.premises || []) out.push(...allQuotes(p));
  return out;
}

function quoteButton(q, sourceBox) {
  const b = el("button", { type: "button", className: "quote", textContent: `“${q.quote}”` });
  b.setAttribute("aria-label", `Show in the source: ${q.quote}`);
  b.addEventListener("click", () => scrollToQuote(sourceBox, q.quote));
  return b;
}

/** Whether a rule is written in the rule language (a term with a logic variable, `part_of(X)`)
 * or names the perspective: folded on the page, as `--rules` shows it on the CLI. */
const RULE_SYNTAX = /\b\w+\([A-Z]\w*(?:, ?[A-Z]\w*)*\)|^perspective \S+$/;

function ruleView(rule) {
  if (!RULE_SYNTAX.test(rule)) {
    return el("div", { className: "rule" }, el("span", { className: "k", textContent: "rule " }), rule);
  }
  return el("details", { className: "rule" }, el("summary", { className: "k", textContent: "rule" }),
    el("code", { textContent: rule }));
}

/** The summary an explanation starts with: a sentence in plain words and its quote. */
export function summaryView(summary, sourceBox) {
  const box = el("div", { className: "summary" }, el("p", { textContent: summary.text }));
  if (summary.quote) box.append(el("p", {}, quoteButton(summary.quote, sourceBox)));
  return box;
}

/** An explanation node as nested lists: conclusion, rule, quotes, premises. */
export function treeView(tree, sourceBox, depth = 0, assumed = false) {
  const li = el("li", { className: `xnode${tree.certainty === "possible" ? " possible" : ""}` });
  const head = el("div", { className: "conclusion" }, tree.conclusion);
  if (tree.certainty) head.append(" ", el("span", { className: `badge ${tree.certainty}`, textContent: tree.certainty }));
  // "hypothetical" once: on the topmost node of what rests on the overlay
  if (tree.hypothetical && !assumed) head.append(" ", el("span", { className: "badge hypothetical", textContent: "hypothetical" }));
  li.append(head);
  if (tree.rule) li.append(ruleView(tree.rule));
  if (tree.sources?.length) {
    const qs = el("ul", { className: "quotes" });
    for (const q of tree.sources) qs.append(el("li", {}, quoteButton(q, sourceBox)));
    li.append(qs);
  }
  if (tree.premises?.length) {
    const sub = el("ul", { className: "premises" });
    for (const p of tree.premises) sub.append(treeView(p, sourceBox, depth + 1, assumed || tree.hypothetical));
    li.append(sub);
  }
  return li;
}

export class Details {
  constructor(box, sourceBox, heading, overview, state) {
    this.box = box;
    this.sourceBox = sourceBox;
    this.heading = heading;
    this.overview = overview;
    this.state = state;
    this.instruments = new Map(overview.instruments.map((i) => [i.id, i]));
    this.events = new Map(overview.events.map((e) => [e.id, e]));
    this.defaultSource = overview.corpus.sources[0]?.id;
    this.seq = 0;
    this.selection = "";
    this.onSelect = () => {};
    this.data = null;
  }

  /** Remember what is shown (a key for the URL: `event:ID`, `breach:E|T|C`, ...). */
  select(key) {
    this.selection = key;
    this.onSelect(key);
  }

  /**
   * Show a title, some fields and an explanation tree; mark its quotes in the source and
   * scroll to `primary` (the quote the fact itself cites; default the tree's first quote).
   */
  async render(title, fields, tree, extra = null, primary = null, summary = null) {
    const list = el("dl", { className: "fields" });
    for (const [k, v] of fields) if (v) list.append(el("dt", { textContent: k }), el("dd", {}, v));
    const body = [el("h3", { className: "details-title", textContent: title })];
    if (summary) body.push(summaryView(summary, this.sourceBox));
    body.push(list);
    if (extra) body.push(extra);
    if (tree) body.push(el("ul", { className: "tree" }, treeView(tree, this.sourceBox)));
    this.box.replaceChildren(...body);
    const quotes = tree ? allQuotes(tree) : [];
    if (!primary && summary?.quote) primary = summary.quote;
    if (primary && !quotes.some((q) => q.quote === primary.quote)) quotes.unshift(primary);
    const main = primary || quotes[0] || null;
    const sid = main?.source || quotes.find((q) => q.source)?.source || this.defaultSource;
    this.data = { title, fields: fields.filter(([, v]) => v).map(([k, v]) => [k, typeof v === "string" ? v : v.dataset?.text ?? v.textContent]) };
    if (!sid) {
      this.box.dataset.ready = String(++this.seq);
      return;
    }
    const marks = await showSource(this.sourceBox, sid, quotes.filter((q) => !q.source || q.source === sid).map((q) => q.quote), main?.quote);
    this.box.dataset.marks = String(marks);
    this.box.dataset.ready = String(++this.seq);
  }

  async wrap(title, work) {
    this.box.replaceChildren(el("p", { className: "hint", textContent: `Loading ${title}…` }));
    delete this.box.dataset.ready;
    this.heading.focus({ preventScroll: true });
    try {
      await work();
    } catch (err) {
      this.box.replaceChildren(el("p", { className: "error", textContent: `${title}: ${err.message}` }));
      this.box.dataset.ready = String(++this.seq);
    }
  }

  period(actor, period, perspective) {
    this.select(`period:${perspective}|${actor.id}|${period.from.earliest}`);
    return this.wrap("status", async () => {
      const on = period.from.earliest;
      const [res, side] = await Promise.all([
        get("/api/v1/status", { actor: actor.id, on, perspective }),
        this.sideBySide(actor.id, on, perspective),
      ]);
      await this.render(`${actor.name}: ${period.label}`, [
        ["period", `${period.from_text} – ${period.to ? period.to_text : "open"}`],
        ["perspective", perspective],
        ["certainty", period.certainty],
        ["explained on", on],
      ], res.explanation, side, null, res.summary);
    });
  }

  status(actorId, on, perspective) {
    this.select(`status:${actorId}`);
    return this.wrap("status", async () => {
      const [res, side] = await Promise.all([
        get("/api/v1/status", { actor: actorId, on, perspective }),
        this.sideBySide(actorId, on, perspective),
      ]);
      await this.render(`${res.actor.name} on ${on}: ${res.status.label}`, [
        ["perspective", res.perspective],
      ], res.explanation, side, null, res.summary);
    });
  }

  /**
   * A table: the status of `actorId` on `on` under every perspective side by side, with why
   * each differs and the rules only it used (one GET /api/v1/status?perspective=all).
   */
  async sideBySide(actorId, on, current) {
    let views;
    try {
      views = (await get("/api/v1/status", { actor: actorId, on, perspective: "all" })).perspectives;
    } catch (err) {
      views = this.overview.perspectives.map((p) => ({ perspective: p.id, error: err.message }));
    }
    const names = new Map(this.overview.perspectives.map((p) => [p.id, p]));
    const rows = views.map((v) => [names.get(v.perspective) || { id: v.perspective, name: v.perspective },
      v.error ? `(${v.error})` : v.answer.status.label, v.error ? "" : v.answer.status.certainty, v]);
    this.perspectiveRows = rows.map(([p, label, certainty]) => ({ actor: actorId, day: on, perspective: p.id, status: label, certainty }));
    const table = el("table", { className: "side-by-side" });
    table.append(el("caption", { textContent: `Every perspective on ${on}` }));
    const head = el("tr", {}, el("th", { scope: "col", textContent: "perspective" }), el("th", { scope: "col", textContent: "status" }),
      el("th", { scope: "col", textContent: "why it differs" }));
    table.append(el("thead", {}, head));
    const body = el("tbody");
    for (const [p, label, certainty, v] of rows) {
      const why = [v.because, v.rules?.length ? `rules: ${v.rules.join(", ")}` : null].filter(Boolean).join("; ");
      const tr = el("tr", { className: p.id === current ? "current" : "" },
        el("th", { scope: "row", textContent: p.name, title: p.description || "" }),
        el("td", { textContent: `${label}${certainty === "possible" ? " (possibly)" : ""}` }),
        el("td", { className: "why", textContent: why }));
      tr.dataset.perspective = p.id;
      body.append(tr);
    }
    table.append(body);
    return table;
  }

  /**
   * Where two perspectives disagree on an actor over a range: how long, each stretch of it with
   * each perspective's status there, the rules in which they differ, and both explanations at
   * the start.
   */
  difference(actor, [pa, pb], start, end) {
    this.select(`diff:${actor.id}|${pa}|${pb}|${start}|${end}`);
    return this.wrap("difference", async () => {
      const [cmp, sa, sb] = await Promise.all([
        get("/api/v1/compare", { perspectives: [pa, pb], actor: actor.id }),
        get("/api/v1/status", { actor: actor.id, on: start, perspective: pa }),
        get("/api/v1/status", { actor: actor.id, on: start, perspective: pb }),
      ]);
      const diffs = (cmp.differences || []).filter((d) => d.from.earliest <= end && (!d.to || start <= d.to.latest));
      const rules = [];
      const seen = new Set();
      for (const d of diffs) {
        for (const p of [pa, pb]) {
          for (const r of d.rules?.[p] || []) {
            if (seen.has(`${p}|${r}`)) continue;
            seen.add(`${p}|${r}`);
            rules.push({ conclusion: `${p}: ${d.status[p].label}`, rule: d.rule_text?.[r] || r, certainty: null,
              hypothetical: false, sources: [], premises: [] });
          }
        }
      }
      const stretches = el("table", { className: "side-by-side stretches" });
      stretches.append(el("caption", { textContent: `${diffs.length || 1} stretch${diffs.length === 1 ? "" : "es"} of ${spanText(start, end)}` }));
      stretches.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", textContent: "from – to" }),
        el("th", { scope: "col", textContent: pa }), el("th", { scope: "col", textContent: pb }))));
      const body = el("tbody");
      // each bound as the source dates what changed there (the lanes' periods say it)
      const lane = this.overview.lanes.find((l) => l.actor.id === actor.id);
      const lists = lane ? [lane.periods[pa], lane.periods[pb]] : [];
      for (const d of diffs) {
        const span = `${saidBound(lists, d.from.earliest, "from")} – ${saidBound(lists, d.to ? d.to.latest : null, "to")}`;
        body.append(el("tr", {}, el("th", { scope: "row", textContent: span }),
          el("td", { textContent: d.status[pa]?.label || "" }), el("td", { textContent: d.status[pb]?.label || "" })));
      }
      if (!diffs.length) {
        body.append(el("tr", {}, el("th", { scope: "row", textContent: `${start} – ${end}` }),
          el("td", { textContent: sa.status.label }), el("td", { textContent: sb.status.label })));
      }
      stretches.append(body);
      const tree = {
        conclusion: `${actor.name}, ${saidBound(lists, start, "from")} – ${saidBound(lists, end, "to")} (${spanText(start, end)}): the perspectives differ; on ${start} ${pa} says “${sa.status.label}”, ${pb} says “${sb.status.label}”`,
        rule: "the rules in which the two perspectives differ", certainty: null, hypothetical: false, sources: [],
        premises: [...rules, sa.explanation, sb.explanation],
      };
      await this.render(`${actor.name}: the perspectives differ for ${spanText(start, end)}`, [
        ["from", saidBound(lists, start, "from")], ["to", saidBound(lists, end, "to")], ["length", spanText(start, end)],
      ], tree, stretches);
    });
  }

  event(id) {
    this.select(`event:${id}`);
    return this.wrap("event", async () => {
      const e = this.events.get(id);
      const names = (refs) => (refs || []).map((r) => r.name).join(", ");
      const tree = {
        conclusion: e.summary, rule: null, certainty: e.date.earliest === e.date.latest ? null : "possible",
        hypothetical: e.hypothetical, sources: e.sources, premises: [],
      };
      const breaches = (this.overview.breaches[this.state.perspective] || []).filter((b) => b.event === id);
      let extra = null;
      if (breaches.length) {
        extra = el("div", {}, el("h4", { textContent: `Breaches under ${this.state.perspective}` }));
        const ul = el("ul", { className: "breach-list" });
        for (const b of breaches) ul.append(el("li", {}, this.breachButton(b)));
        extra.append(ul);
      }
      await this.render(e.summary, [
        ["date", dateText(e.date)], ["type", e.type.replaceAll("_", " ")],
        ["by", names(e.actors)], ["against", names(e.targets)],
        ["justification", e.justification], ["notes", e.notes],
      ], tree, extra, e.sources?.[0] || null);
    });
  }

  instrument(id, pairText = null, certaintyNote = null) {
    this.select(`instrument:${id}`);
    return this.wrap("instrument", async () => {
      const t = await get("/api/v1/treaty", { name: id });
      const premises = (t.clauses || []).map((c) => ({
        conclusion: `${c.article ? `${articleLabel(c.article)} ` : ""}(${c.id})${c.norm ? `: ${c.norm.kind}${c.norm.categories?.length ? ` of ${c.norm.categories.join(", ")}` : ""}` : ""}`,
        rule: c.norm?.description || null, certainty: null, hypothetical: false,
        sources: [{ source: c.source, quote: c.text }], premises: [],
      }));
      const tree = { conclusion: `${t.name} (${t.kind})`, rule: null, certainty: null,
        hypothetical: t.hypothetical, sources: t.sources, premises };
      const each = (t.parties || []).map((p) => `${p.actor.name} (${p.how}, ${p.date ? p.date.text : "?"})`);
      // a convention of every state: its parties folded, so that they do not push the
      // explanation and the source a screen down
      let parties = each.join("; ");
      if (each.length > PARTIES_SHOWN) {
        parties = el("details", { className: "parties" }, el("summary", { textContent: `${each.length} parties` }), each.join("; "));
        parties.dataset.text = each.join("; ");
      }
      await this.render(t.name, [
        ["binds", pairText], ["certainty", certaintyNote], ["kind", t.kind], ["signed", dateText(t.signed)],
        ["in force", dateText(t.in_force)], ["ended", dateText(t.ended)], ["parties", parties],
      ], tree);
    });
  }

  breach(b, perspective = this.state.perspective) {
    this.select(`breach:${b.event}|${b.treaty}|${b.clause}`);
    return this.wrap("breach", async () => {
      const res = await get("/api/v1/breaches", {
        by: b.by.id, against: b.against[0]?.id, from: b.date.earliest, to: b.date.latest, perspective,
      });
      const found = (res.breaches || []).find((x) => x.event.id === b.event && x.treaty.id === b.treaty && x.clause.id === b.clause);
      if (!found) throw new Error(`no breach ${b.event} / ${b.treaty} under ${perspective}`);
      await this.render(`Breach of ${found.treaty.name}`, [
        ["act", `${found.event.summary} (${dateText(found.event.date)})`],
        ["clause", found.clause.id], ["perspective", perspective], ["certainty", found.certainty],
      ], found.explanation, null, this.events.get(b.event)?.sources?.[0] || null);
    });
  }

  breachButton(b) {
    const ins = this.instruments.get(b.treaty);
    const ev = this.events.get(b.event);
    const label = `${b.date.text}: ${ev ? ev.summary : b.event} — breached ${ins ? ins.name : b.treaty} (${b.clause})`;
    const btn = el("button", { type: "button", className: `breach ${b.certainty}`, textContent: label });
    btn.dataset.event = b.event;
    btn.dataset.treaty = b.treaty;
    btn.dataset.clause = b.clause;
    btn.addEventListener("click", () => this.breach(b));
    return btn;
  }
}
