// ISO days as strings, and day arithmetic in UTC (no time zones, no false precision).

// The range of the page: from the corpus's first date to its last, in whole years (setRange).
export let FIRST_DAY = "1900-01-01";
export let LAST_DAY = "2000-12-31";
const MS = 86400000;

/** Set the page's range to whole years around every ISO day in `days`. */
export function setRange(days) {
  const ok = days.filter((d) => typeof d === "string" && /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  if (!ok.length) return;
  FIRST_DAY = `${ok[0].slice(0, 4)}-01-01`;
  LAST_DAY = `${ok[ok.length - 1].slice(0, 4)}-12-31`;
}

/** Whole years and months between two days, in words: "51 years, 2 months", "6 days". */
export function spanText(a, b) {
  const n = daysBetween(a, b) + 1;
  if (n < 62) return `${n} day${n === 1 ? "" : "s"}`;
  const months = Math.round(n / 30.4375);
  const y = Math.floor(months / 12);
  const m = months % 12;
  const parts = [];
  if (y) parts.push(`${y} year${y === 1 ? "" : "s"}`);
  if (m) parts.push(`${m} month${m === 1 ? "" : "s"}`);
  return parts.join(", ");
}

export function toDate(iso) {
  return new Date(`${iso}T00:00:00Z`);
}

export function iso(d) {
  return d.toISOString().slice(0, 10);
}

export function addDays(day, n) {
  return iso(new Date(toDate(day).getTime() + n * MS));
}

export function daysBetween(a, b) {
  return Math.round((toDate(b).getTime() - toDate(a).getTime()) / MS);
}

export function addMonths(day, n) {
  const d = toDate(day);
  d.setUTCMonth(d.getUTCMonth() + n);
  return iso(d);
}

export function clampDay(day) {
  if (day < FIRST_DAY) return FIRST_DAY;
  if (day > LAST_DAY) return LAST_DAY;
  return day;
}

/** The timeline's default window: sixteen years around `day` (so that short periods are wide
 * enough to click), within the page's range. */
export function defaultWindow(day) {
  return [clampDay(addMonths(day, -96)), clampDay(addMonths(day, 96))];
}

/** An ISO day that a calendar has: not 1940-02-30 (which Date would roll on to 1 March). */
export function isDay(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = toDate(s);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The text of a JSON date: the source's words, and the range when it is not one day. */
export function dateText(d) {
  if (!d) return "";
  if (d.earliest === d.latest) return d.text === d.earliest || d.text.includes(d.earliest) ? d.text : `${d.text} (${d.earliest})`;
  // a text that already gives both days (an imported dataset's "1962-10-01 – 1963-12-22
  // (...)") is not followed by them again
  return d.text.includes(d.earliest) && d.text.includes(d.latest) ? d.text : `${d.text} (${d.earliest} – ${d.latest})`;
}

/**
 * A bound of a range of days over some lanes' periods, in the source's words where a period
 * bounded there gives them (`from_text`, `to_text`: as `foedus timeline` says them): `side`
 * "from", the first day `day`; "to", the last day `day` (null: open, "…"). Else the ISO day.
 */
export function saidBound(periodLists, day, side) {
  if (side === "to" && !day) return "…";
  for (const ps of periodLists) {
    for (const p of ps || []) {
      if (side === "from" && p.from.earliest === day && p.from_text) return p.from_text;
      if (side === "to" && p.to && p.to.latest === day && p.to_text) return p.to_text;
    }
  }
  return day;
}
