/** Dates as Chinese official documents write them. */

/** `2019-07-01` → `2019年7月1日`. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}
