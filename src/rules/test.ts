/**
 * Evaluation of one criterion test against a known value. Boundaries follow
 * Chinese legal usage (民法典 第一千二百五十九条): 以上、以下、以内、届满 include
 * the number (encoded as gte/lte), 不满、超过、以外 exclude it (lt/gt).
 */
import type { Test } from "../kb/schema.js";

/** A comparison operator of criteria and interview conditions. */
export type Op = Test["op"];

/**
 * Compare a known value with an expected one.
 * @returns whether `value op expected` holds (numbers only for gte/lte/gt/lt, lists for in/not_in)
 */
export function compare(op: Op, expected: unknown, value: unknown): boolean {
  switch (op) {
    case "eq":
      return value === expected;
    case "ne":
      return value !== expected;
    case "in":
      return Array.isArray(expected) && (expected as unknown[]).includes(value);
    case "not_in":
      return Array.isArray(expected) && !(expected as unknown[]).includes(value);
    case "gte":
      return typeof value === "number" && typeof expected === "number" && value >= expected;
    case "lte":
      return typeof value === "number" && typeof expected === "number" && value <= expected;
    case "gt":
      return typeof value === "number" && typeof expected === "number" && value > expected;
    case "lt":
      return typeof value === "number" && typeof expected === "number" && value < expected;
  }
}

/**
 * @returns true/false when the value decides the test, `null` when the value is missing
 */
export function evaluateTest(test: Test, value: unknown): boolean | null {
  if (value === undefined || value === null || value === "") return null;
  return compare(test.op, test.value, value);
}
