/**
 * Direct answers to colloquial eligibility questions (我46岁能报…吗): the
 * program's criteria checked against the facts stated in the question.
 */
import type { Criterion, Program, Test } from "../kb/schema.js";
import type { Slots } from "../nlu/slots.js";
import { evaluateTest } from "../rules/test.js";

const SLOT_FIELDS: Partial<Record<Test["field"], keyof Slots>> = {
  age: "age",
  degree: "degree",
  professionalTitle: "professionalTitle",
  yearsAtEmployer: "years",
  teachingYears: "teachingYears",
  gender: "gender",
};

const SLOT_LABEL: Partial<Record<keyof Slots, string>> = {
  age: "年龄",
  degree: "学历",
  professionalTitle: "职称",
  years: "工作年限",
  teachingYears: "教龄",
};

function testsOf(c: Criterion): Test[] {
  return c.test ? [c.test] : (c.anyOf ?? c.allOf ?? []);
}

/**
 * @returns one line per criterion that the stated facts decide, plus a pointer
 *   to the full self-check; empty when the question states no relevant fact
 */
export function checkSlots(program: Program, slots: Slots): string[] {
  const lines: string[] = [];
  for (const c of program.criteria) {
    if (c.id?.endsWith("-if-male") && slots.gender !== "男") continue;
    if (c.id?.endsWith("-if-female") && slots.gender !== "女") continue;
    const tests = testsOf(c);
    const relevant = tests.filter((t) => SLOT_FIELDS[t.field] && slots[SLOT_FIELDS[t.field] as keyof Slots] !== undefined);
    if (relevant.length === 0) continue;
    const results = relevant.map((t) => evaluateTest(t, slots[SLOT_FIELDS[t.field] as keyof Slots]));
    const met = c.anyOf ? results.some((r) => r === true) : results.every((r) => r === true);
    const undecided = c.anyOf && !met && relevant.length < tests.length;
    const stated = relevant.map((t) => {
      const key = SLOT_FIELDS[t.field] as keyof Slots;
      return `${SLOT_LABEL[key] ?? key}${slots[key]}${key === "age" ? "岁" : key === "years" || key === "teachingYears" ? "年" : ""}`;
    });
    const verdict = met
      ? "符合"
      : undecided
        ? "这一项还取决于您的其他条件"
        : c.strength === "soft"
          ? "不符合，但原文是“一般/原则上”的要求，个别情况可能放宽，请向主管部门确认"
          : "不符合";
    lines.push(`按您说的${stated.join("、")}：“${c.text}”——${verdict}。`);
  }
  if (lines.length === 0) return [];
  lines.push(
    "以上只核对了您提到的条件；下列其他条件也需满足，最终以评审结果为准。想逐项核对，可以告诉我您的国籍、学历、职称、在本单位的工作年限等情况。",
  );
  return lines;
}
