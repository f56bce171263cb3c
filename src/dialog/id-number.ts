/**
 * 居民身份证号码 (GB 11643-1999): 6-digit address code, 8-digit birth date,
 * 3-digit sequence (odd for men), and a check digit by ISO 7064 MOD 11-2.
 */
import { isValidDate } from "./dates.js";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = "10X98765432";
/** Province-level codes (first two digits). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]);

/** The check digit (`0`–`9` or `X`) for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] ?? "";
}

/** Why an id number is invalid, or null when it is valid. */
export type IdProblem = "format" | "region" | "birthDate" | "checkDigit";

/**
 * Check an 18-digit id number (upper-case X expected; normalise first).
 * @param asOf birth dates after this ISO date are rejected
 * @returns null when valid, else what is wrong
 */
export function idNumberProblem(id: string, asOf: string): IdProblem | null {
  if (!/^\d{17}[\dX]$/.test(id)) return "format";
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return "region";
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isValidDate(birth) || birth > asOf || birth < "1900-01-01") return "birthDate";
  if (idCheckDigit(id.slice(0, 17)) !== id[17]) return "checkDigit";
  return null;
}

/** Birth date (ISO) and gender encoded in a valid id number. */
export function idNumberFacts(id: string): { birthDate: string; gender: "男" | "女" } {
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? "男" : "女",
  };
}
