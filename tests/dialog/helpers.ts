/** Shared helpers of the dialog tests: a small fake interview, fake deps, and a driver. */
import { start, step } from "../../src/dialog/engine.js";
import { Interview } from "../../src/dialog/schema.js";
import type { DialogDeps, DialogState, Reply, Turn } from "../../src/dialog/types.js";
import type { EligibilityResult } from "../../src/rules/evaluate.js";

const why = { text: "测试", document: "doc", clause: "第一条" };

/** A small application interview (no knowledge base needed). */
export const FORM: Interview = Interview.parse({
  id: "test-form",
  title: "测试申报表",
  kind: "application",
  programs: ["p"],
  template: "test-template",
  intro: "开始测试。",
  questions: [
    { id: "name", field: "name", label: "姓名", prompt: "姓名？", type: "name", invalid: "姓名无效", why },
    {
      id: "gender",
      field: "gender",
      label: "性别",
      prompt: "性别？",
      type: "choice",
      options: [
        { label: "男", value: "男" },
        { label: "女", value: "女" },
      ],
      invalid: "请选男或女",
      why,
    },
    {
      id: "ethnicity",
      field: "ethnicity",
      label: "民族",
      prompt: "民族？",
      type: "text",
      maxLength: 10,
      optional: true,
      invalid: "民族无效",
      why,
    },
    { id: "id-number", field: "idNumber", label: "身份证号", prompt: "身份证号？", type: "idNumber", invalid: "身份证号码无效", why },
    {
      id: "married",
      field: "married",
      label: "已婚",
      prompt: "是否已婚？",
      type: "yesno",
      invalid: "请回答是或否",
      help: "婚姻状况。",
      why,
    },
    {
      id: "spouse",
      field: "spouse",
      label: "配偶姓名",
      prompt: "配偶姓名？",
      type: "name",
      invalid: "姓名无效",
      when: [{ field: "married", op: "eq", value: true }],
      why,
    },
    { id: "mobile", field: "mobile", label: "手机号码", prompt: "手机号码？", type: "mobile", invalid: "手机号码无效", why },
  ],
});

/** A valid id number (check digit X): the GB 11643-1999 example. */
export const ID_X = "11010519491231002X";

/** Rendered documents are recorded here by {@link fakeDeps}. */
export interface Rendered {
  templateId: string;
  data: Record<string, unknown>;
}

/** Deps with a fake renderer (records the data) and an optional fake evaluator. */
export function fakeDeps(evaluate?: DialogDeps["evaluate"]): DialogDeps & { rendered: Rendered[] } {
  const rendered: Rendered[] = [];
  return {
    asOf: "2026-11-22",
    evaluate,
    rendered,
    render: async (templateId, data) => {
      rendered.push({ templateId, data });
      return new TextEncoder().encode(`fake docx ${templateId}`);
    },
  };
}

/** The texts of the replies (choices included), one string. */
export function said(replies: Reply[]): string {
  return replies
    .map((r) =>
      r.type === "text" ? r.text : r.type === "choices" ? `${r.text} [${r.choices.map((c) => c.label).join("|")}]` : `<${r.fileName}>`,
    )
    .join("\n");
}

/** Run an interview through a list of messages; returns every turn. */
export async function run(interview: Interview, deps: DialogDeps, inputs: string[], from?: DialogState): Promise<Turn[]> {
  const turns: Turn[] = [];
  let turn = from ? { state: from, replies: [] } : await start(interview, deps);
  turns.push(turn);
  for (const text of inputs) {
    turn = await step(interview, turn.state, { text }, deps);
    turns.push(turn);
  }
  return turns;
}

/** The last element. */
export function last<T>(xs: T[]): T {
  const x = xs.at(-1);
  if (x === undefined) throw new Error("empty");
  return x;
}

/** A minimal eligibility result for fake evaluators. */
export function result(
  id: string,
  verdict: EligibilityResult["verdict"],
  criteria: { field: string; status: "met" | "not_met" | "unknown"; soft?: boolean }[],
): EligibilityResult {
  return {
    program: { id, title: `项目${id}`, document: "测试文件" },
    verdict,
    criteria: criteria.map((c) => ({
      text: `${c.field}条件`,
      status: c.status,
      soft: c.soft ?? false,
      fields: [c.field],
      kind: "criterion",
      source: { document: "测试文件", clause: "第一条" },
    })),
    nextSteps: [],
  };
}
