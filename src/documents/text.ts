/**
 * Data values as literal text: conversion to strings, removal of characters
 * XML cannot hold, and dotted-path look-ups. Nothing here evaluates a value.
 */

// Characters XML 1.0 forbids (C0 controls except tab/newline/CR, U+FFFE/U+FFFF) and lone surrogates.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with the characters a .docx cannot store removed (control
 * characters, lone surrogates) and line ends normalised to `\n`. Everything
 * else — `{{…}}`, `<`, `&`, bidi marks, emoji — is kept as it is.
 */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(INVALID_XML, "");
}

/**
 * A data value as text: strings as they are, numbers and booleans written out,
 * arrays joined with 、, `{label, value}` as `label：value`, null/undefined as "".
 */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.map(toText).filter((s) => s !== "").join("、");
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("label" in o && "value" in o) return `${toText(o.label)}：${toText(o.value)}`;
    return JSON.stringify(value);
  }
  return String(value);
}

/** True for undefined, null, whitespace-only strings and empty arrays. */
export function isBlank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** The value at a dotted path (`a.b.0`) in `data`, or undefined; own properties only. */
export function getPath(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
