/** Small collection helpers. */

/** The distinct items, in first-seen order. */
export function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** A number rounded to two decimals (confidences). */
export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
