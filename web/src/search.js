// Search across the corpus: actors, instruments, events and breaches, by any word of their
// names, aliases, summaries or dates. Each hit is a button that opens it in the details (an
// actor: its status on the day; an event: its day too). The list of hits is a pop-up over the
// page: it closes when a hit is chosen, on Escape, and when the focus or a click goes anywhere
// outside the search (so that it never stays open over the Ask box); typing, the down arrow or
// a click in the box opens it again.

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
};

const fold = (s) => String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

export class Search {
  constructor(input, out, app) {
    this.input = input;
    this.out = out;
    this.app = app;
    this.box = input.closest(".search") || input.parentElement;
    out.tabIndex = -1; // a scrolling list is a tab stop in Chromium: Tab leaves the search instead
    this.entries = this.index();
    const help = document.getElementById(input.getAttribute("aria-describedby") || "");
    if (help) help.textContent = "Results appear below: the down arrow reaches them, the up and down arrows move between them, Escape closes them.";
    input.addEventListener("input", () => this.run(input.value));
    input.addEventListener("click", () => { if (this.out.hidden && input.value.trim()) this.run(input.value); });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        if (!this.out.hidden) this.close(); // the first Escape closes the list, the next clears the box
        else input.value = "";
      } else if (ev.key === "ArrowDown") {
        ev.preventDefault();
        if (this.out.hidden && input.value.trim()) this.run(input.value);
        this.hits()[0]?.focus();
      }
    });
    out.addEventListener("keydown", (ev) => {
      const hits = this.hits();
      const at = hits.indexOf(document.activeElement);
      if (ev.key === "Escape") {
        ev.preventDefault();
        this.close();
        input.focus();
      } else if (ev.key === "ArrowDown") {
        ev.preventDefault();
        hits[Math.min(at + 1, hits.length - 1)]?.focus();
      } else if (ev.key === "ArrowUp") {
        ev.preventDefault();
        (at <= 0 ? input : hits[at - 1]).focus();
      }
    });
    // The focus leaving the search (Tab, a click on another control) closes the list ...
    this.box.addEventListener("focusout", (ev) => {
      if (!(ev.relatedTarget && this.box.contains(ev.relatedTarget))) this.close();
    });
    // ... and so does a click anywhere else, focusable or not.
    document.addEventListener("pointerdown", (ev) => {
      if (!this.out.hidden && !this.box.contains(ev.target)) this.close();
    });
    // A press on a hit keeps the focus where it is (a browser that does not focus a clicked
    // button would otherwise close the list before the click reaches the hit).
    out.addEventListener("mousedown", (ev) => { if (ev.target.closest("button")) ev.preventDefault(); });
  }

  /** The hits' buttons, in order. */
  hits() {
    return [...this.out.querySelectorAll("button.hit")];
  }

  /** Hide the list (its hits are kept until the next search). */
  close() {
    this.out.hidden = true;
  }

  index() {
    const o = this.app.overview;
    const out = [];
    const lanes = new Set(o.lanes.map((l) => l.actor.id));
    for (const a of o.actors) {
      out.push({ kind: "actor", label: a.name, hint: a.kind, text: fold([a.id, a.name, ...(a.aliases || [])].join(" ")),
        lane: lanes.has(a.id), open: () => this.app.openActor(a.id) });
    }
    for (const i of o.instruments) {
      out.push({ kind: "instrument", label: i.name, hint: `${i.kind}${i.signed ? `, ${i.signed.text}` : ""}`,
        text: fold([i.id, i.name, i.kind, i.signed?.text].join(" ")), open: () => this.app.details.instrument(i.id) });
    }
    for (const e of o.events) {
      out.push({ kind: "event", label: e.summary, hint: e.date.text, text: fold([e.id, e.summary, e.type, e.date.text, e.date.earliest].join(" ")),
        open: () => this.app.openEvent(e.id) });
    }
    const events = new Map(o.events.map((e) => [e.id, e]));
    const instruments = new Map(o.instruments.map((i) => [i.id, i]));
    for (const [perspective, rows] of Object.entries(o.breaches)) for (const b of rows) {
      const e = events.get(b.event);
      const t = instruments.get(b.treaty);
      const label = `${b.by.name} breached ${t ? t.name : b.treaty} (${b.clause})`;
      out.push({ kind: "breach", label, hint: `${b.date.text}: ${e ? e.summary : b.event}`, perspective,
        text: fold([label, e?.summary, b.date.text, ...b.against.map((x) => x.name)].join(" ")), open: () => this.app.openBreach(b) });
    }
    return out;
  }

  run(q) {
    const words = fold(q).split(/\s+/).filter(Boolean);
    if (!words.length) {
      this.out.replaceChildren();
      this.out.hidden = true;
      return;
    }
    const pid = this.app.state.perspective;
    const hits = this.entries.filter((e) => (!e.perspective || e.perspective === pid) && words.every((w) => e.text.includes(w)));
    // The best matches first: the name itself, a name that starts with the words, one that
    // has each of them as a word, one whose words start with them, one that holds them, then
    // the rest (a word found only in a date or an id). With thousands of instruments,
    // "Instrument 16" listed five whose dates held "16" before it, and then said "more: type
    // more words"; "MID 61" listed disputes 612, 613 and 616 before 61.
    const query = words.join(" ");
    const score = (h) => {
      const label = fold(h.label);
      if (label === query) return 0;
      if (label.startsWith(query)) return 1;
      const own = label.split(/[^\p{L}\p{N}]+/u);
      if (words.every((w) => own.includes(w))) return 2;
      if (words.every((w) => own.some((x) => x.startsWith(w)))) return 3;
      return words.every((w) => label.includes(w)) ? 4 : 5;
    };
    const rank = new Map(hits.map((h, i) => [h, [score(h), h.lane ? 0 : 1, i]]));
    const cmp = (a, b) => { const x = rank.get(a), y = rank.get(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; };
    hits.sort(cmp);
    // At most five of each kind, so that every kind found shows.
    const per = new Map();
    const shown = hits.filter((h) => {
      per.set(h.kind, (per.get(h.kind) || 0) + 1);
      return per.get(h.kind) <= 5;
    });
    this.out.hidden = false;
    this.out.replaceChildren(...shown.map((h) => {
      // out of the tab order: the arrows move between hits, Tab leaves the search (and closes it)
      const b = el("button", { type: "button", className: "hit", tabIndex: -1 }, el("span", { className: `kind kind-${h.kind}`, textContent: h.kind }), ` ${h.label}`);
      if (h.hint) b.append(el("span", { className: "hint-inline", textContent: ` — ${h.hint}` }));
      b.addEventListener("click", () => {
        this.close();
        h.open();
      });
      return el("li", {}, b);
    }));
    if (!shown.length) this.out.append(el("li", { className: "hint", textContent: "Nothing found." }));
    else if (hits.length > shown.length) this.out.append(el("li", { className: "hint", textContent: `${hits.length - shown.length} more: type more words.` }));
  }
}
