/**
 * `policybot chat`: the terminal chat. Multi-turn (follow-ups resolve against
 * the program under discussion); with piped stdin it prints a transcript.
 * 资格自测 (/check) and 申报表 (/apply) start interviews (src/dialog); while one
 * runs, every line goes to it; documents are written under ./out/.
 * `POLICYBOT_SESSION=<file>` keeps the interview session in a JSON file, so a
 * restarted chat resumes at the same question.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Engine } from "../answer/engine.js";
import { type ChatContext, EMPTY_CONTEXT } from "../answer/types.js";
import { defaultDeps } from "../dialog/deps.js";
import { loadInterviews } from "../dialog/load.js";
import { type InterviewSession, isInterviewTrigger, NO_INTERVIEW, resumeSession, routeMessage } from "../dialog/router.js";
import type { Interview } from "../dialog/schema.js";
import { DialogState, type Reply } from "../dialog/types.js";
import { today } from "../rules/evaluate.js";
import { PROJECT_ROOT, policiesDir } from "./paths.js";

const WELCOME = [
  "您好，我是人才政策助手。可以问我申报条件、经费资助、申报程序、考核、待遇、负责部门等问题，例如：",
  "  · 我46岁能报郑州社会事业人才吗？",
  "  · 武清卫生领域骨干人才的申报条件是什么？",
  "  · 玉溪对口培养的培养经费是多少？",
  "输入“退出”或按 Ctrl+D 结束。",
].join("\n");
const INTERVIEW_HINT = "输入“资格自测”逐项判断您能申报哪些项目，输入“申报表”在线填写申报表并生成 Word 文档。";

/** Replies as terminal text; documents are written under ./out/ and their path printed. */
function renderReplies(replies: Reply[]): string {
  const out: string[] = [];
  for (const r of replies) {
    if (r.type === "text") out.push(r.text);
    else if (r.type === "choices") out.push([r.text, ...r.choices.map((c, i) => `  ${i + 1}. ${c.label}`)].join("\n"));
    else {
      const dir = resolve("out");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, r.fileName.replace(/[\\/:*?"<>|]/g, "_"));
      writeFileSync(file, r.data);
      out.push(`已生成文件：${relative(process.cwd(), file)}`);
    }
  }
  return out.join("\n");
}

function readSession(file: string | undefined): InterviewSession {
  if (!file || !existsSync(file)) return NO_INTERVIEW;
  try {
    const raw = JSON.parse(readFileSync(file, "utf8")) as { dialog?: unknown; offered?: unknown };
    const dialog = raw.dialog ? DialogState.parse(raw.dialog) : null;
    const offered = Array.isArray(raw.offered) ? raw.offered.map(String) : null;
    return { dialog, offered };
  } catch {
    return NO_INTERVIEW;
  }
}

/** @returns exit code */
export async function runChat(): Promise<number> {
  const engine = Engine.load(policiesDir());
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  let context: ChatContext = EMPTY_CONTEXT;
  const sessionFile = process.env.POLICYBOT_SESSION;
  let session = readSession(sessionFile);
  let interviews: Map<string, Interview> | null = null;
  const loaded = () => {
    interviews ??= loadInterviews(join(PROJECT_ROOT, "conversations"), engine.kb);
    return interviews;
  };
  const deps = defaultDeps(engine.kb, join(PROJECT_ROOT, "templates"), today());
  process.stdout.write(`${WELCOME}\n`);
  if (interactive) process.stdout.write(`${INTERVIEW_HINT}\n`);
  if (session.dialog) process.stdout.write(`助手> ${renderReplies(resumeSession(loaded(), session))}\n`);
  const prompt = () => {
    if (interactive) process.stdout.write("\n你> ");
  };
  prompt();
  for await (const line of rl) {
    const text = line.trim();
    const inInterview = session.dialog !== null;
    if (!inInterview && /^(退出|再见|quit|exit|bye)$/i.test(text)) break;
    if (!interactive) process.stdout.write(`\n你> ${line}\n`);
    const routed = inInterview || session.offered || isInterviewTrigger(text) ? await routeMessage(loaded(), session, line, deps) : null;
    if (routed) {
      session = routed.session;
      if (sessionFile) writeFileSync(sessionFile, JSON.stringify(session));
      process.stdout.write(`助手> ${renderReplies(routed.replies)}\n`);
    } else {
      if (session.offered) session = NO_INTERVIEW;
      const turn = engine.ask(line, context);
      context = turn.context;
      process.stdout.write(`助手> ${turn.answer.answer}\n`);
    }
    prompt();
  }
  process.stdout.write("\n再见！\n");
  return 0;
}
