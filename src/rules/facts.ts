/**
 * Facts derived from a profile at a date: age in 周岁 from `birthDate`, years at
 * the employer from `employmentStartDate`, and loose matching of free-text
 * fields (单位所在地区 郑州市金水区 is in 郑州市; 领域 卫生 is 医疗卫生).
 */
import type { Test } from "../kb/schema.js";
import type { Profile } from "./profile.js";

/** Whole years between two ISO dates (周岁: the birthday must have passed). */
export function fullYears(from: string, to: string): number {
  const [fy, fm, fd] = from.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = to.split("-").map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

/** Years between two ISO dates as a decimal (for 工作年限). */
export function yearsBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.floor((ms / (365.2425 * 86_400_000)) * 100) / 100;
}

/** The date `years` after `from` (ISO), for "you will qualify on …". */
export function addYears(from: string, years: number): string {
  const d = new Date(`${from}T00:00:00Z`);
  const whole = Math.floor(years);
  d.setUTCFullYear(d.getUTCFullYear() + whole);
  d.setUTCDate(d.getUTCDate() + Math.ceil((years - whole) * 365.2425));
  return d.toISOString().slice(0, 10);
}

const NATIONALITY_ALIASES: Record<string, string> = {
  中华人民共和国: "中国",
  中國: "中国",
  china: "中国",
  prc: "中国",
  "people's republic of china": "中国",
};

/**
 * The profile as facts at `asOf`: derived fields filled in where the profile
 * gives their source (an explicit `age` or `yearsAtEmployer` wins).
 */
export function deriveFacts(profile: Profile, asOf: string): Record<string, unknown> {
  const facts: Record<string, unknown> = { ...profile };
  if (profile.age === undefined && profile.birthDate) facts.age = fullYears(profile.birthDate, asOf);
  if (profile.yearsAtEmployer === undefined && profile.employmentStartDate)
    facts.yearsAtEmployer = yearsBetween(profile.employmentStartDate, asOf);
  if (typeof profile.nationality === "string")
    facts.nationality = NATIONALITY_ALIASES[profile.nationality.trim().toLowerCase()] ?? profile.nationality.trim();
  return facts;
}

const LOOSE_FIELDS = new Set(["region", "sector"]);

/**
 * For free-text fields, the criterion value that the profile value names
 * (either contains the other: 郑州市金水区 ↔ 郑州市, 卫生 ↔ 医疗卫生); other values unchanged.
 */
export function alignValue(test: Test, value: unknown): unknown {
  if (!LOOSE_FIELDS.has(test.field) || typeof value !== "string" || value.length < 2) return value;
  const candidates = Array.isArray(test.value) ? test.value : [test.value];
  if (candidates.includes(value)) return value;
  const hit = candidates.find((c) => typeof c === "string" && c.length >= 2 && (value.includes(c) || c.includes(value)));
  return hit ?? value;
}
