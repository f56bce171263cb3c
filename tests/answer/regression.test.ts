/**
 * The team-written regression sets: Q&A (tests/eval/qa-regression.jsonl) and eligibility
 * profiles (tests/eval/eligibility-regression.jsonl), written ourselves from the documents and
 * graded with the public grading rules. Every case must pass; a change that breaks one must fix
 * the behaviour or argue the case in review.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/answer/engine.js";
import { grade } from "../../src/cli/eval.js";
import { EligibilityCase, gradeEligibility } from "../../src/cli/eval-eligibility.js";
import { POLICIES, ROOT } from "../helpers/paths.js";

interface Case {
  id: string;
  question: string;
  kind: string;
  expect_status: "answered" | "clarify" | "no_answer";
  must: string[][];
  must_not: string[];
}

const lines = (name: string) =>
  readFileSync(join(ROOT, "tests", "eval", name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
const cases = lines("qa-regression.jsonl") as Case[];
const profiles = lines("eligibility-regression.jsonl").map((raw) => EligibilityCase.parse(raw));

let engine: Engine;
beforeAll(() => {
  engine = Engine.load(POLICIES);
});

describe("team regression Q&A set", () => {
  it.each(cases.map((c) => [c.id, c.question, c] as const))("%s %s", (_id, _q, c) => {
    const { answer } = engine.ask(c.question);
    expect(grade({ ...c }, answer.status, answer.answer).failures).toEqual([]);
  });
});

describe("team regression eligibility set", () => {
  // A fixed date keeps the birthDate / employmentStartDate cases stable.
  it.each(profiles.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    expect(gradeEligibility(engine.kb, c, "2026-06-01")).toEqual([]);
  });
});

describe("eligibility cases pin their date", () => {
  const base = { id: "x", expect: [{ program_title_contains: ["社会事业人才"], verdict_in: ["eligible" as const] }] };
  const profile = {
    nationality: "中国",
    region: "郑州市",
    employerKind: "事业单位",
    sector: "教育",
    degree: "博士",
    professionalTitle: "副高级",
    birthDate: "1980-06-02",
    yearsAtEmployer: 5,
    inProfessionalPost: true,
    isCivilServantManaged: false,
    alreadyRecognizedTalent: false,
  };
  it("asOf in the case wins over the run's date (45 on 2026-06-01, 46 the day after unless pinned)", () => {
    expect(gradeEligibility(engine.kb, EligibilityCase.parse({ ...base, profile }), "2026-06-01")).toEqual([]);
    expect(gradeEligibility(engine.kb, EligibilityCase.parse({ ...base, profile }), "2026-06-02")).not.toEqual([]);
    expect(gradeEligibility(engine.kb, EligibilityCase.parse({ ...base, profile, asOf: "2026-06-01" }), "2026-06-02")).toEqual([]);
  });
});
