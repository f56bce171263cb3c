/**
 * Data values as literal text: conversion to strings, removal of characters
 * XML cannot hold, and dotted-path look-ups. Nothing here evaluates a value.
 */

/** May XML 1.0 hold this code point? (Not: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.) */
function xmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x09 || cp === 0x0a || cp === 0x0d;
  return !(cp >= 0xd800 && cp <= 0xdfff) && cp !== 0xfffe && cp !== 0xffff;
}

/**
 * The text with the characters a .docx cannot store removed (control
 * characters, lone surrogates) and line ends normalised to `\n`. Everything
 * else — `{{…}}`, `<`, `&`, bidi marks, emoji — is kept as it is.
 */
export function cleanText(text: string): string {
  let out = "";
  // for…of walks code points: a surrogate pair is one, a lone surrogate stays alone and is dropped.
  for (const ch of text.replace(/\r\n?/g, "\n")) if (xmlChar(ch.codePointAt(0) ?? 0)) out += ch;
  return out;
}

/**
 * A data value as text: strings as they are, numbers and booleans written out,
 * arrays joined with 、, `{label, value}` as `label：value`, null/undefined as "".
 */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value))
    return value
      .map(toText)
      .filter((s) => s !== "")
      .join("、");
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
