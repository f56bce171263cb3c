/**
 * The team-written regression Q&A set (tests/eval/qa-regression.jsonl): questions we wrote
 * ourselves from the documents, graded with the public grading rule. Every case must pass;
 * a change that breaks one must fix the behaviour or argue the case in review.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/answer/engine.js";
import { grade } from "../../src/cli/eval.js";
import { POLICIES, ROOT } from "../helpers/paths.js";

interface Case {
  id: string;
  question: string;
  kind: string;
  expect_status: "answered" | "clarify" | "no_answer";
  must: string[][];
  must_not: string[];
}

const cases = readFileSync(join(ROOT, "tests", "eval", "qa-regression.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Case);

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
