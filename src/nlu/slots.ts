/**
 * Slot extraction from a normalised question: age, years, degree, title,
 * talent class. Domain, tier and region come from the mention index.
 */
import { parseChineseNumeral } from "../util/numbers.js";

export interface Slots {
  age?: number;
  years?: number;
  teachingYears?: number;
  degree?: "高中及以下" | "大专" | "本科" | "硕士" | "博士";
  professionalTitle?: "无" | "初级" | "中级" | "副高级" | "正高级";
  talentClass?: string;
  gender?: "男" | "女";
}

const NUM = "(\\d+(?:\\.\\d+)?|[一二两三四五六七八九十]+)";

const AGE = new RegExp(`${NUM}\\s*(?:周岁|岁)`);
const YEARS = new RegExp(`(?:工作|干了|任职|教龄|工龄)[^\\d一二三四五六七八九十]{0,4}${NUM}\\s*年`);
const TEACHING_YEARS = new RegExp(`(?:教了|教龄|从教)\\s*${NUM}\\s*年`);

function num(s: string): number | undefined {
  const n = /^\d/.test(s) ? Number(s) : parseChineseNumeral(s);
  return n === null || Number.isNaN(n) ? undefined : n;
}

const DEGREES: [RegExp, Slots["degree"]][] = [
  [/博士/, "博士"],
  [/硕士|研究生/, "硕士"],
  [/本科|学士/, "本科"],
  [/大专|专科/, "大专"],
  [/高中|中专|初中/, "高中及以下"],
];
const TITLES: [RegExp, Slots["professionalTitle"]][] = [
  [/正高/, "正高级"],
  [/副高|副教授|副主任医师|高级工程师/, "副高级"],
  [/中级|讲师|主治医师|工程师/, "中级"],
  [/初级|助理/, "初级"],
];

/**
 * Extract slots from a normalised question (only facts the speaker states about
 * themselves or asks about; `我46岁` → age 46).
 */
export function extractSlots(q: string): Slots {
  const s: Slots = {};
  const age = AGE.exec(q) ?? /(?:i am|i'm|aged?)\s*(\d+)/.exec(q) ?? /(\d+)[- ]years?[- ]old/.exec(q);
  if (age?.[1]) s.age = num(age[1]);
  const years = YEARS.exec(q);
  if (years?.[1]) s.years = num(years[1]);
  const teaching = TEACHING_YEARS.exec(q);
  if (teaching?.[1]) s.teachingYears = num(teaching[1]);
  for (const [re, v] of DEGREES) {
    if (re.test(q)) {
      s.degree = v;
      break;
    }
  }
  for (const [re, v] of TITLES) {
    if (re.test(q)) {
      s.professionalTitle = v;
      break;
    }
  }
  const cls = /([a-d])\s*类/i.exec(q);
  if (cls?.[1]) s.talentClass = cls[1].toUpperCase();
  // 子女、儿女、妇女 name other people, not the speaker.
  const self = q.replace(/子女|儿女|妇女|男女/g, "");
  if (/女/.test(self)) s.gender = "女";
  else if (/男/.test(self)) s.gender = "男";
  return s;
}
