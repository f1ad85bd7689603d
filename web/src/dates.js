// ISO days as strings, and day arithmetic in UTC (no time zones, no false precision).

export const FIRST_DAY = "1917-01-01";
export const LAST_DAY = "2000-12-31";
const MS = 86400000;

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

export function isDay(s) {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(toDate(s).getTime());
}

/** The text of a JSON date: the source's words, and the range when it is not one day. */
export function dateText(d) {
  if (!d) return "";
  if (d.earliest === d.latest) return d.text === d.earliest ? d.earliest : `${d.text} (${d.earliest})`;
  return `${d.text} (${d.earliest} – ${d.latest})`;
}
