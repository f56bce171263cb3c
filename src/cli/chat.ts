/**
 * `policybot chat`: the terminal chat. Multi-turn (follow-ups resolve against
 * the program under discussion); with piped stdin it prints a transcript.
 * 资格自测 (/check) and 申报表 (/apply) start interviews (src/dialog); while one
 * runs, every line goes to it; documents are written under ./out/.
 * `POLICYBOT_SESSION=<file>` keeps the session (Q&A context and interview) in a
 * JSON file, so a restarted chat resumes at the same question. All logic lives
 * in the conversation core (src/core); this file only reads lines and prints replies.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Conversation, NEW_SESSION, parseSession, type Session } from "../core/conversation.js";
import type { Reply } from "../dialog/types.js";
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

function readSession(file: string | undefined): Session {
  if (!file || !existsSync(file)) return NEW_SESSION;
  try {
    return parseSession(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return NEW_SESSION;
  }
}

/** @returns exit code */
export async function runChat(): Promise<number> {
  const conversation = Conversation.load(Conversation.folders(PROJECT_ROOT, policiesDir()));
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  const sessionFile = process.env.POLICYBOT_SESSION;
  let session = readSession(sessionFile);
  process.stdout.write(`${WELCOME}\n`);
  if (interactive) process.stdout.write(`${INTERVIEW_HINT}\n`);
  const resumed = conversation.resume(session);
  if (resumed.length > 0) process.stdout.write(`助手> ${renderReplies(resumed)}\n`);
  const prompt = () => {
    if (interactive) process.stdout.write("\n你> ");
  };
  prompt();
  for await (const line of rl) {
    // 退出 ends the terminal chat, except inside an interview, where it cancels the interview.
    if (!session.interview.dialog && /^(退出|再见|quit|exit|bye)$/i.test(line.trim())) break;
    if (!interactive) process.stdout.write(`\n你> ${line}\n`);
    const handled = await conversation.handle(session, { text: line });
    session = handled.session;
    if (sessionFile) writeFileSync(sessionFile, JSON.stringify(session));
    process.stdout.write(`助手> ${renderReplies(handled.replies)}\n`);
    prompt();
  }
  process.stdout.write("\n再见！\n");
  return 0;
}
