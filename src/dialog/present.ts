/** How questions, answers and the application summary are shown (channel-agnostic replies). */
import { applicable, isAnswered } from "./conditions.js";
import { YES_NO_OPTIONS } from "./parse.js";
import type { AnswerValue, Interview, Question } from "./schema.js";
import type { DialogState, Reply } from "./types.js";

/** A question's short name for summaries and 修改. */
export function labelOf(q: Question): string {
  return q.label ?? q.id;
}

/** An answer as the user would write it (choice label, 是/否, “未填” when skipped). */
export function displayValue(q: Question, value: AnswerValue | null | undefined): string {
  if (value === null || value === undefined) return "（未填）";
  if (q.type === "yesno") return value === true ? "是" : "否";
  if (q.type === "choice") return q.options?.find((o) => o.value === value)?.label ?? String(value);
  return String(value);
}

/** The replies that ask `q` (choices for choice and yes/no questions). */
export function askReplies(q: Question, state: DialogState): Reply[] {
  const notes: string[] = [];
  const current = state.answers[q.id];
  if (current !== undefined) notes.push(`当前答案：${displayValue(q, current)}，回复新答案即可修改`);
  if (q.optional) notes.push("可回复“跳过”");
  const text = notes.length > 0 ? `${q.prompt}（${notes.join("；")}）` : q.prompt;
  const options = q.type === "choice" ? (q.options ?? []) : q.type === "yesno" ? YES_NO_OPTIONS : null;
  if (options) return [{ type: "choices", text, choices: options.map((o) => ({ label: o.label, value: String(o.value) })) }];
  return [{ type: "text", text }];
}

/** The answered, applicable questions in interview order: the numbering of `修改 N` and the summary. */
export function answeredList(interview: Interview, state: DialogState): Question[] {
  return applicable(interview, state).questions.filter((q) => isAnswered(state, q));
}

/** The numbered summary shown before an application document is produced. */
export function summaryReplies(interview: Interview, state: DialogState): Reply[] {
  const lines = answeredList(interview, state).map((q, i) => `${i + 1}. ${labelOf(q)}：${displayValue(q, state.answers[q.id])}`);
  return [
    {
      type: "choices",
      text: `请核对《${interview.title}》填写内容：\n${lines.join("\n")}\n无误请回复“确认”生成文档；需要修改请回复“修改 序号”（如“修改 2”）。`,
      choices: [
        { label: "确认", value: "确认" },
        { label: "重新开始", value: "重新开始" },
        { label: "取消", value: "取消" },
      ],
    },
  ];
}

/** 帮助: the question's help text and why it is asked, with the clause cited. */
export function helpReply(q: Question): Reply {
  const lines = [`【${labelOf(q)}】`];
  if (q.help) lines.push(q.help);
  lines.push(`为什么问：${q.why.text}`);
  lines.push(`依据：${q.why.citation ?? `${q.why.document} ${q.why.clause}`}`);
  lines.push("可用指令：上一步、修改 序号、跳过（选填题）、重新开始、取消。");
  return { type: "text", text: lines.join("\n") };
}
