/**
 * The one Handlebars instance that renders template texts, with `noEscape`
 * (output is Word text, not HTML) and a few helpers. Data values are inserted
 * as they are and never evaluated: a user's `{{x}}` stays `{{x}}`.
 *
 * Helpers:
 * - `{{date birthDate}}` → 1990年5月3日 (ISO `YYYY-MM-DD`, `YYYY-MM`, `YYYY/MM/DD`, `YYYY.MM.DD`); other values as
 *   they are. `{{date}}` alone formats the context's `date` field, or today when there is none.
 * - `{{join list "、"}}` joins an array (default separator 、).
 * - `{{#if (eq a "x")}}` compares as strings.
 * - `{{check sector "教育"}}` → ☑ when the value (or array) holds the option, else □.
 * - `{{default x "—"}}` the fallback when x is blank.
 * - `{{inc @index}}` adds one (row numbers from 1).
 */
import Handlebars from "handlebars";
import { isBlank, toText } from "./text.js";

const hb = Handlebars.create();

/** The Chinese form of a date value, e.g. `2026年11月22日`; values that are not dates come back as text. */
export function chineseDate(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return `${value.getFullYear()}年${value.getMonth() + 1}月${value.getDate()}日`;
  const text = toText(value).trim();
  const m = /^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?(?:[T ].*)?$/.exec(text);
  if (!m) return text;
  const [, y, mo, d] = m;
  return d ? `${y}年${Number(mo)}月${Number(d)}日` : `${y}年${Number(mo)}月`;
}

/** Is `option` the value, or one of the values, of a checkbox field? */
export function isChosen(value: unknown, option: string): boolean {
  if (Array.isArray(value)) return value.some((v) => toText(v).trim() === option);
  return toText(value).trim() === option;
}

// A helper's last argument is Handlebars' options object.
const args = (xs: unknown[]): unknown[] => xs.slice(0, -1);

hb.registerHelper("date", function (this: unknown, ...xs: unknown[]) {
  const a = args(xs);
  if (a.length > 0) return chineseDate(a[0]);
  const own = this && typeof this === "object" && Object.hasOwn(this, "date") ? (this as { date: unknown }).date : undefined;
  return chineseDate(isBlank(own) ? new Date() : own);
});
hb.registerHelper("join", (...xs: unknown[]) => {
  const [list, sep] = args(xs);
  const s = typeof sep === "string" ? sep : "、";
  return Array.isArray(list)
    ? list
        .map(toText)
        .filter((t) => t !== "")
        .join(s)
    : toText(list);
});
hb.registerHelper("eq", (...xs: unknown[]) => {
  const [a, b] = args(xs);
  return toText(a) === toText(b);
});
hb.registerHelper("check", (...xs: unknown[]) => {
  const [value, option] = args(xs);
  return isChosen(value, toText(option)) ? "☑" : "□";
});
hb.registerHelper("default", (...xs: unknown[]) => {
  const [value, fallback] = args(xs);
  return isBlank(value) ? toText(fallback) : value;
});
hb.registerHelper("inc", (...xs: unknown[]) => Number(args(xs)[0] ?? 0) + 1);

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Render one template text.
 * @param source the Handlebars text from the template file
 * @param context the object `{{name}}` looks up (the data, or an item of an `each`)
 * @param root the whole data (`@root.name`)
 * @param data extra `@` variables, e.g. `{ index: 0 }`
 * @throws Error from Handlebars (syntax, unknown helper); callers wrap it in TemplateError
 */
export function renderText(source: string, context: unknown, root: unknown, data: Record<string, unknown> = {}): string {
  if (!source.includes("{{")) return source;
  let template = cache.get(source);
  if (!template) {
    template = hb.compile(source, { noEscape: true });
    cache.set(source, template);
  }
  return template(context, { data: { ...data, root } });
}

/** The Handlebars syntax error of a template text, or null when it parses. */
export function syntaxError(source: string): string | null {
  if (!source.includes("{{")) return null;
  try {
    hb.parse(source);
    return null;
  } catch (e) {
    return (e as Error).message.split("\n")[0] ?? "syntax error";
  }
}
