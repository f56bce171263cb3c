/** Calendar dates as users type them (2024-03-05, 2024/3/5, 2024年3月5日, 20240305). */

/** True when `iso` (YYYY-MM-DD) names a real calendar day. */
export function isValidDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === iso;
}

/**
 * Parse a date in the usual Chinese and ISO spellings.
 * @returns ISO `YYYY-MM-DD`, or null when it is not a real date
 */
export function parseDate(text: string): string | null {
  const t = text.replace(/\s+/g, "");
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]?.padStart(2, "0")}-${m[3]?.padStart(2, "0")}`;
  return isValidDate(iso) ? iso : null;
}
