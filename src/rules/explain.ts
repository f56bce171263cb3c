/**
 * Plain-Chinese explanations of criteria that are not met or unknown: what is
 * missing or different, and — for year counts — the date time will fix it.
 */
import type { Criterion, Test } from "../kb/schema.js";
import { chineseDate } from "../util/dates.js";
import { addYears, alignValue } from "./facts.js";
import { FIELD_LABELS, type Profile } from "./profile.js";
import { evaluateTest } from "./test.js";

/** Explanation fields merged into a criterion result. */
export interface Explained {
  explanation?: string;
  metOn?: string;
}

/** Year counts that grow with time (工作年限, 教龄 …): a shortfall is fixed by waiting. */
const GROWS_WITH_TIME = new Set(["yearsAtEmployer", "yearsInRole", "yearsInPost", "yearsGrassroots", "teachingYears", "socialWorkYears"]);

const label = (field: string) => FIELD_LABELS[field as keyof Profile] ?? field;

function show(v: unknown): string {
  if (v === true) return "是";
  if (v === false) return "否";
  if (Array.isArray(v)) return v.join("、");
  return String(v);
}

function testsOf(c: Criterion): Test[] {
  return c.test ? [c.test] : [...(c.anyOf ?? []), ...(c.allOf ?? [])];
}

/**
 * @param status the criterion's status
 * @param facts the profile facts at `asOf`
 * @param asOf ISO date of the evaluation
 */
export function explain(c: Criterion, status: string, facts: Record<string, unknown>, asOf: string): Explained {
  const tests = testsOf(c);
  if (status === "unknown") {
    const missing = [...new Set(tests.filter((t) => facts[t.field] === undefined).map((t) => label(t.field)))];
    return { explanation: `缺少信息：${missing.join("、") || label(tests[0]?.field ?? "")}，无法判断“${c.text}”。` };
  }
  if (status !== "not_met") return {};
  const parts: string[] = [];
  let metOn: string | undefined;
  for (const t of tests) {
    const v = facts[t.field];
    if (evaluateTest(t, alignValue(t, v)) !== false) continue;
    if (GROWS_WITH_TIME.has(t.field) && (t.op === "gte" || t.op === "gt") && typeof v === "number" && typeof t.value === "number") {
      const need = t.value - v + (t.op === "gt" ? 0.01 : 0);
      const date = addYears(asOf, need);
      metOn = metOn && metOn > date ? metOn : date;
      parts.push(
        `要求${label(t.field)}${t.op === "gte" ? "满" : "超过"}${t.value}年，您目前为${v}年，按现在的情况将于${chineseDate(date)}满足`,
      );
    } else if (t.field === "age" && (t.op === "lte" || t.op === "lt") && typeof v === "number") {
      parts.push(`要求年龄${t.op === "lte" ? "不超过" : "低于"}${t.value}岁，您为${v}岁，年龄条件无法随时间满足`);
    } else {
      parts.push(`要求${label(t.field)}为${show(t.value)}，您的${label(t.field)}为${show(v)}`);
    }
  }
  const soft = c.strength === "soft" ? "；原文为一般性要求（一般/原则上/左右），个别情况可能放宽" : "";
  return { explanation: `${parts.join("；")}${soft}${relaxation(c, facts)}。`, ...(metOn ? { metOn } : {}) };
}

/** What the text's relaxation (民族、边远乡镇适当放宽) means for this profile. */
function relaxation(c: Criterion, facts: Record<string, unknown>): string {
  const when = c.relaxedWhen ?? [];
  if (when.length === 0) return "";
  const holds = when.filter((t) => evaluateTest(t, facts[t.field]) === true).map((t) => label(t.field).replace(/^是否/, ""));
  if (holds.length > 0) return `；您属于原文规定可适当放宽的情形（${holds.join("、")}），可向主管部门申请放宽`;
  const unknown = when.filter((t) => facts[t.field] === undefined).map((t) => label(t.field).replace(/^是否/, ""));
  return unknown.length > 0 ? `；如属${unknown.join("或")}，原文规定可适当放宽` : "";
}
