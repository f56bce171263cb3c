/**
 * `policybot chat`: the terminal chat. Multi-turn (follow-ups resolve against
 * the program under discussion); with piped stdin it prints a transcript.
 */
import { createInterface } from "node:readline";
import { Engine } from "../answer/engine.js";
import { type ChatContext, EMPTY_CONTEXT } from "../answer/types.js";
import { policiesDir } from "./paths.js";

const WELCOME = [
  "您好，我是人才政策助手。可以问我申报条件、经费资助、申报程序、考核、待遇、负责部门等问题，例如：",
  "  · 我46岁能报郑州社会事业人才吗？",
  "  · 武清卫生领域骨干人才的申报条件是什么？",
  "  · 玉溪对口培养的培养经费是多少？",
  "输入“退出”或按 Ctrl+D 结束。",
].join("\n");

/** @returns exit code */
export async function runChat(): Promise<number> {
  const engine = Engine.load(policiesDir());
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  let context: ChatContext = EMPTY_CONTEXT;
  process.stdout.write(`${WELCOME}\n`);
  const prompt = () => {
    if (interactive) process.stdout.write("\n你> ");
  };
  prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (/^(退出|再见|quit|exit|bye)$/i.test(text)) break;
    if (!interactive) process.stdout.write(`\n你> ${line}\n`);
    else process.stdout.write("");
    const turn = engine.ask(line, context);
    context = turn.context;
    process.stdout.write(`助手> ${turn.answer.answer}\n`);
    prompt();
  }
  process.stdout.write("\n再见！\n");
  return 0;
}
