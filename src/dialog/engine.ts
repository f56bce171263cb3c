/**
 * The interview engine: pure and channel-agnostic. `start` opens an interview,
 * `step` takes one user message and returns the new state and the replies.
 * All outside effects (eligibility, rendering, today's date) come through
 * {@link DialogDeps}; the state is plain JSON, so any channel can store it.
 */
import { type Command, parseCommand } from "./commands.js";
import { applicable } from "./conditions.js";
import { nextInOrder, nextNeeded, ownResults, profileOf } from "./flow.js";
import { cleanInput } from "./input.js";
import { parseAnswer } from "./parse.js";
import { answeredList, askReplies, helpReply, labelOf, summaryReplies } from "./present.js";
import { profileValueError } from "./profile-fields.js";
import { reportData, verdictTable } from "./report.js";
import type { Interview, Question } from "./schema.js";
import type { DialogDeps, DialogInput, DialogState, Reply, Turn } from "./types.js";

const text = (t: string): Reply => ({ type: "text", text: t });

function question(interview: Interview, id: string | null): Question | undefined {
  return id === null ? undefined : interview.questions.find((q) => q.id === id);
}

/** A fresh state for an interview. */
export function initialState(interview: Interview): DialogState {
  return { version: 1, interview: interview.id, phase: "asking", answers: {}, history: [], pending: null };
}

/** Open an interview: the intro and the first question. */
export async function start(interview: Interview, deps: DialogDeps): Promise<Turn> {
  const turn = await advance(interview, initialState(interview), deps);
  return { state: turn.state, replies: [text(interview.intro), ...turn.replies] };
}

/**
 * What to show to pick up a stored state (e.g. after a restart): the pending
 * question again, or the summary while confirming.
 */
export function resume(interview: Interview, state: DialogState): Turn {
  return { state, replies: [text(`继续《${interview.title}》：`), ...current(interview, state)] };
}

/** The replies that repeat where the interview stands. */
function current(interview: Interview, state: DialogState): Reply[] {
  if (state.phase === "confirm") return summaryReplies(interview, state);
  const q = question(interview, state.pending);
  return q ? askReplies(q, state) : [text(`《${interview.title}》已结束。`)];
}

/** Move on after an answer: the next question, the summary, or the self-check result. */
async function advance(interview: Interview, state: DialogState, deps: DialogDeps): Promise<Turn> {
  if (interview.kind === "application") {
    const next = nextInOrder(interview, state);
    if (next) {
      const s = { ...state, phase: "asking" as const, pending: next.id };
      return { state: s, replies: askReplies(next, s) };
    }
    const s = { ...state, phase: "confirm" as const, pending: null };
    return { state: s, replies: summaryReplies(interview, s) };
  }
  if (!deps.evaluate) throw new Error("self-check needs deps.evaluate");
  const results = deps.evaluate(profileOf(interview, state));
  const next = nextNeeded(interview, state, results);
  if (next) {
    const s = { ...state, phase: "asking" as const, pending: next.id };
    return { state: s, replies: askReplies(next, s) };
  }
  return finishSelfCheck(interview, state, deps);
}

/** The verdict table and the 资格自测报告 document. */
async function finishSelfCheck(interview: Interview, state: DialogState, deps: DialogDeps): Promise<Turn> {
  const results = ownResults(interview, deps.evaluate?.(profileOf(interview, state)) ?? []);
  const s: DialogState = { ...state, phase: "done", pending: null };
  const replies: Reply[] = [text(verdictTable(results))];
  if (deps.render) {
    const data = reportData(deps.asOf, answeredList(interview, state), state, results);
    try {
      const bytes = await deps.render("self-check-report", data);
      replies.push({ type: "document", fileName: `资格自测报告-${deps.asOf}.docx`, data: bytes, templateId: "self-check-report" });
    } catch (e) {
      replies.push(text(`资格自测报告生成失败：${(e as Error).message}`));
    }
  }
  return { state: s, replies };
}

/** The form data: the answers of applicable questions by field (skipped ones left out). */
export function formData(interview: Interview, state: DialogState): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const q of applicable(interview, state).questions) {
    const v = state.answers[q.id];
    if (v === undefined || v === null) continue;
    data[q.field] = q.type === "yesno" ? (v ? "是" : "否") : v;
  }
  return data;
}

/** 确认: render the application document. */
async function produce(interview: Interview, state: DialogState, deps: DialogDeps): Promise<Turn> {
  const templateId = interview.template ?? interview.id;
  if (!deps.render) return { state, replies: [text("当前渠道无法生成文档。")] };
  const data = formData(interview, state);
  try {
    const bytes = await deps.render(templateId, data);
    const who = typeof data.name === "string" ? `-${data.name}` : "";
    return {
      state: { ...state, phase: "done", pending: null },
      replies: [
        text(`已生成《${interview.title}》，请核对后打印、签字，按程序报送。`),
        { type: "document", fileName: `${interview.title}${who}.docx`, data: bytes, templateId },
      ],
    };
  } catch (e) {
    return { state, replies: [text(`文档生成失败：${(e as Error).message}`), ...summaryReplies(interview, state)] };
  }
}

/** Resolve `修改 <number | label>` against the answered questions. */
function changeTarget(interview: Interview, state: DialogState, target: string): Question | string {
  const list = answeredList(interview, state);
  const menu = list.map((q, i) => `${i + 1}. ${labelOf(q)}`).join("\n");
  if (list.length === 0) return "还没有可修改的回答。";
  const t = target.trim();
  const byNumber = /^\d+$/.test(t) ? list[Number(t) - 1] : undefined;
  const byName =
    list.find((q) => labelOf(q) === t || q.id === t || q.field === t) ?? list.find((q) => t.length >= 2 && labelOf(q).includes(t));
  const hit = byNumber ?? (t === "" ? undefined : byName);
  if (hit) return hit;
  return `${t === "" ? "请说明要修改哪一项" : `没有找到“${t}”`}。可以修改：\n${menu}\n请回复“修改 序号”，如“修改 1”。`;
}

/** 上一步: the question before the pending one (or the last one while confirming). */
function previousQuestion(interview: Interview, state: DialogState): Question | null {
  const live = new Set(applicable(interview, state).questions.map((q) => q.id));
  const history = state.history.filter((id) => live.has(id));
  const at = state.pending === null ? -1 : history.indexOf(state.pending);
  const index = at === -1 ? history.length - 1 : at - 1;
  return index >= 0 ? (question(interview, history[index] ?? null) ?? null) : null;
}

async function runCommand(interview: Interview, state: DialogState, cmd: Command, deps: DialogDeps): Promise<Turn> {
  const pending = question(interview, state.pending);
  switch (cmd.kind) {
    case "cancel":
      return {
        state: { ...state, phase: "cancelled", pending: null },
        replies: [text(`已取消《${interview.title}》。可以继续问我政策问题，或输入“资格自测”“申报表”重新开始。`)],
      };
    case "restart": {
      const turn = await start(interview, deps);
      return { state: turn.state, replies: [text("已清空全部回答，重新开始。"), ...turn.replies] };
    }
    case "help":
      return { state, replies: pending ? [helpReply(pending), ...askReplies(pending, state)] : current(interview, state) };
    case "back": {
      const prev = previousQuestion(interview, state);
      if (!prev) return { state, replies: [text("已经是第一个问题了。"), ...current(interview, state)] };
      const s: DialogState = { ...state, phase: "asking", pending: prev.id };
      return { state: s, replies: askReplies(prev, s) };
    }
    case "change": {
      const hit = changeTarget(interview, state, cmd.target);
      if (typeof hit === "string") return { state, replies: [text(hit), ...current(interview, state)] };
      const s: DialogState = { ...state, phase: "asking", pending: hit.id };
      return { state: s, replies: askReplies(hit, s) };
    }
    case "skip": {
      if (!pending) return { state, replies: [text("当前没有可跳过的问题。"), ...current(interview, state)] };
      if (!pending.optional) return { state, replies: [text(`“${labelOf(pending)}”是必答题，不能跳过。`), ...askReplies(pending, state)] };
      return advance(interview, record(state, pending, null), deps);
    }
    case "finish":
      if (interview.kind === "self-check") return finishSelfCheck(interview, state, deps);
      return { state, replies: [text("申报表需要填完全部必答题。"), ...current(interview, state)] };
    case "confirm":
      if (state.phase === "confirm") return produce(interview, state, deps);
      return { state, replies: [text("请先回答当前问题。"), ...current(interview, state)] };
  }
}

/** Store an answer (null: skipped); the history keeps the first-answered order. */
function record(state: DialogState, q: Question, value: DialogState["answers"][string]): DialogState {
  const history = state.history.includes(q.id) ? state.history : [...state.history, q.id];
  return { ...state, answers: { ...state.answers, [q.id]: value }, history };
}

/**
 * Take one user message.
 * @param interview the interview the state belongs to
 * @param state the state returned by the previous `start`/`step` (never mutated)
 * @param input typed text or a chosen button value (untrusted)
 * @returns the new state and the replies; a finished or cancelled interview has `phase` `done`/`cancelled`
 */
export async function step(interview: Interview, state: DialogState, input: DialogInput, deps: DialogDeps): Promise<Turn> {
  if (state.interview !== interview.id) throw new Error(`state belongs to ${state.interview}, not ${interview.id}`);
  if (state.phase === "done" || state.phase === "cancelled") return { state, replies: [text(`《${interview.title}》已结束。`)] };
  const raw = "choice" in input ? String(input.choice) : String(input.text ?? "");
  const cleaned = cleanInput(raw);
  if (!cleaned.ok) return { state, replies: [text(cleaned.message), ...current(interview, state)] };
  const cmd = parseCommand(cleaned.text);
  if (cmd) return runCommand(interview, state, cmd, deps);
  if (state.phase === "confirm")
    return { state, replies: [text("请回复“确认”生成文档，或“修改 序号”修改某一项。"), ...summaryReplies(interview, state)] };
  const q = question(interview, state.pending);
  if (!q) return { state, replies: current(interview, state) };
  const parsed = parseAnswer(q, cleaned.text, deps.asOf);
  if (!parsed.ok) return { state, replies: [text(parsed.message), ...askReplies(q, state)] };
  if (interview.kind === "self-check") {
    const problem = profileValueError(q.field, parsed.value);
    if (problem) return { state, replies: [text(`${q.invalid}（${problem}）`), ...askReplies(q, state)] };
  }
  return advance(interview, record(state, q, parsed.value), deps);
}
