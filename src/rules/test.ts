/**
 * Evaluation of one criterion test against a known value. Boundaries follow
 * Chinese legal usage (民法典 第一千二百五十九条): 以上、以下、以内、届满 include
 * the number (encoded as gte/lte), 不满、超过、以外 exclude it (lt/gt).
 */
import type { Test } from "../kb/schema.js";

/** Order of degrees and titles, for comparisons such as 本科及以上. */
export const DEGREE_ORDER = ["高中及以下", "大专", "本科", "硕士", "博士"] as const;
export const TITLE_ORDER = ["无", "初级", "中级", "副高级", "正高级"] as const;

/**
 * @returns true/false when the value decides the test, `null` when the value is missing
 */
export function evaluateTest(test: Test, value: unknown): boolean | null {
  if (value === undefined || value === null || value === "") return null;
  const v = test.value;
  switch (test.op) {
    case "eq":
      return value === v;
    case "ne":
      return value !== v;
    case "in":
      return Array.isArray(v) && (v as unknown[]).includes(value);
    case "not_in":
      return Array.isArray(v) && !(v as unknown[]).includes(value);
    case "gte":
      return typeof value === "number" && typeof v === "number" && value >= v;
    case "lte":
      return typeof value === "number" && typeof v === "number" && value <= v;
    case "gt":
      return typeof value === "number" && typeof v === "number" && value > v;
    case "lt":
      return typeof value === "number" && typeof v === "number" && value < v;
  }
}
