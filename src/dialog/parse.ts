/**
 * Parsing and validation of one answer by question type. Returns the typed
 * value or the question's `invalid` message (with a precise reason where one helps).
 */
import { parseChineseNumeral } from "../util/numbers.js";
import { parseDate } from "./dates.js";
import { idNumberProblem } from "./id-number.js";
import type { AnswerValue, Option, Question } from "./schema.js";

/** A parsed answer, or the message to show before asking again. */
export type Parsed = { ok: true; value: AnswerValue } | { ok: false; message: string };

/** Mainland mobile numbers: 11 digits, 1[3-9]…; spaces, dashes and +86 are ignored. */
export function parseMobile(text: string): string | null {
  const t = text.replace(/[\s-]/g, "").replace(/^(\+?86)(?=1\d{10}$)/, "");
  return /^1[3-9]\d{9}$/.test(t) ? t : null;
}

/**
 * Chinese personal names: 2–20 Han characters; names of minorities and
 * foreigners use the middle dot (阿依古丽·买买提). Other dots are normalised to ·.
 */
export function parseName(text: string): string | null {
  const t = text.replace(/\s+/g, "").replace(/[•・･‧∙⋅.．]/g, "·");
  if (!/^\p{Script=Han}+(·\p{Script=Han}+)*$/u.test(t)) return null;
  const chars = [...t.replace(/·/g, "")].length;
  return chars >= 2 && chars <= 20 ? t : null;
}

/** A number with an optional unit (46, 46岁, 3.5年, 三年, 300万). */
export function parseNumber(text: string): number | null {
  const t = text.replace(/[\s,，]/g, "").replace(/(周岁|岁|年|元|人民币)$/u, "");
  const m = /^(-?\d+(?:\.\d+)?)(万|亿)?$/.exec(t);
  if (m) return Number(m[1]) * (m[2] === "万" ? 10_000 : m[2] === "亿" ? 100_000_000 : 1);
  if (/^[零〇一二两三四五六七八九十百千万亿]+$/.test(t)) return parseChineseNumeral(t);
  return null;
}

const YES = new Set(["是", "是的", "对", "对的", "有", "在", "属于", "已", "已经", "yes", "y", "true", "1"]);
const NO = new Set(["否", "不是", "不", "不对", "没有", "无", "不在", "不属于", "未", "no", "n", "false", "0"]);

/** 是/否 and their everyday variants. */
export function parseYesNo(text: string): boolean | null {
  const t = text.toLowerCase().replace(/[。.!！]$/u, "");
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return null;
}

/** A choice by number (1-based), label or value; a unique partial label match is accepted too. */
export function matchOption(options: Option[], text: string): Option | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return options[Number(t) - 1] ?? null;
  const exact = options.find((o) => o.label === t || String(o.value) === t);
  if (exact) return exact;
  if (t.length < 2) return null;
  const partial = options.filter((o) => o.label.includes(t) || t.includes(o.label));
  return partial.length === 1 ? (partial[0] ?? null) : null;
}

/** The options of a yes/no question. */
export const YES_NO_OPTIONS: Option[] = [
  { label: "是", value: true },
  { label: "否", value: false },
];

const ID_REASONS = {
  format: "应为18位：17位数字加最后一位数字或X",
  region: "前两位不是有效的省级行政区划代码",
  birthDate: "第7–14位不是有效的出生日期",
  checkDigit: "最后一位校验码不符，请核对是否输错",
} as const;

/**
 * Parse `text` (already cleaned) as the answer to `q`.
 * @param asOf today's date (ISO), for id numbers and dates that cannot lie in the future
 */
export function parseAnswer(q: Question, text: string, asOf: string): Parsed {
  const bad = (reason?: string): Parsed => ({ ok: false, message: reason ? `${q.invalid}（${reason}）` : q.invalid });
  switch (q.type) {
    case "choice": {
      const o = matchOption(q.options ?? [], text);
      return o ? { ok: true, value: o.value } : bad();
    }
    case "yesno": {
      const v = parseYesNo(text) ?? (matchOption(YES_NO_OPTIONS, text)?.value as boolean | undefined);
      return v === undefined || v === null ? bad() : { ok: true, value: v };
    }
    case "number": {
      const n = parseNumber(text);
      if (n === null || !Number.isFinite(n)) return bad();
      if (q.integer && !Number.isInteger(n)) return bad("须为整数");
      if (q.min !== undefined && n < q.min) return bad(`不能小于 ${q.min}`);
      if (q.max !== undefined && n > q.max) return bad(`不能大于 ${q.max}`);
      return { ok: true, value: n };
    }
    case "date": {
      const d = parseDate(text);
      if (!d) return bad();
      if (d < "1900-01-01") return bad("日期过早");
      if (d > asOf && !q.future) return bad("不能晚于今天");
      return { ok: true, value: d };
    }
    case "name": {
      const n = parseName(text);
      return n ? { ok: true, value: n } : bad();
    }
    case "idNumber": {
      const id = text.replace(/\s+/g, "").toUpperCase();
      const problem = idNumberProblem(id, asOf);
      return problem ? bad(ID_REASONS[problem]) : { ok: true, value: id };
    }
    case "mobile": {
      const m = parseMobile(text);
      return m ? { ok: true, value: m } : bad();
    }
    case "text": {
      const limit = q.maxLength ?? 500;
      if ([...text].length > limit) return bad(`最多 ${limit} 字，当前 ${[...text].length} 字`);
      return { ok: true, value: text };
    }
  }
}
