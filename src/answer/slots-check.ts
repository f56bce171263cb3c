/**
 * Direct answers to colloquial eligibility questions (我46岁能报…吗): the facts
 * stated in the question become a partial profile, the eligibility engine
 * evaluates the program, and the criteria those facts decide are reported.
 */
import type { Program } from "../kb/schema.js";
import type { Slots } from "../nlu/slots.js";
import { evaluate } from "../rules/evaluate.js";
import type { Profile } from "../rules/profile.js";

/** The profile the question states (only what the user said). */
export function profileFromSlots(slots: Slots): Profile {
  const p: Profile = {};
  if (slots.age !== undefined) p.age = slots.age;
  if (slots.degree) p.degree = slots.degree;
  if (slots.professionalTitle) p.professionalTitle = slots.professionalTitle;
  if (slots.years !== undefined) p.yearsAtEmployer = slots.years;
  if (slots.teachingYears !== undefined) p.teachingYears = slots.teachingYears;
  if (slots.gender) p.gender = slots.gender;
  return p;
}

const SAID: Record<string, [string, string]> = {
  age: ["年龄", "岁"],
  degree: ["学历", ""],
  professionalTitle: ["职称", ""],
  yearsAtEmployer: ["工作年限", "年"],
  teachingYears: ["教龄", "年"],
  gender: ["性别", ""],
};

/** `年龄46岁`, `职称副高级`: a stated fact as the user would say it. */
function said(field: string, profile: Profile): string {
  const [label, unit] = SAID[field] ?? [field, ""];
  return `${label}${String(profile[field as keyof Profile])}${unit}`;
}

/**
 * @param asOf ISO date the facts are judged at (dates in explanations count from it)
 * @returns one line per criterion the stated facts decide, then a pointer to the
 *   other criteria and the self-check; empty when the question states no relevant fact
 */
export function checkSlots(program: Program, slots: Slots, asOf?: string): string[] {
  const profile = profileFromSlots(slots);
  const stated = new Set(Object.keys(profile));
  if (stated.size === 0) return [];
  const { criteria } = evaluate(profile, program, { asOf });
  const lines: string[] = [];
  for (const c of criteria) {
    if (c.status === "manual" || !c.fields.some((f) => stated.has(f))) continue;
    const facts = c.fields.filter((f) => stated.has(f)).map((f) => said(f, profile));
    const head = `按您说的${facts.join("、")}：“${c.text}”——`;
    if (c.status === "met") lines.push(`${head}符合。`);
    else if (c.status === "not_met") {
      const soft = c.soft ? "不符合，但原文是“一般/原则上”的要求，个别情况可能放宽，请向主管部门确认" : "不符合";
      const why = c.explanation?.replace(/[。；]?原文为一般性要求.*$/, "").replace(/。$/, "");
      lines.push(`${head}${soft}${why ? `（${why}）` : ""}。`);
    } else {
      lines.push(`${head}还取决于您的其他条件。`);
    }
  }
  if (lines.length === 0) return [];
  return [
    ...lines,
    "以上只核对了您提到的条件；下列其他条件也需满足，最终以评审结果为准。想逐项核对，可以输入“资格自测”，或告诉我您的国籍、学历、职称、在本单位的工作年限等情况。",
  ];
}
