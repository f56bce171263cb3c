/** `policybot ask "<question>" [--json]` and `policybot ask --stdin --json` (JSON Lines). */
import { createInterface } from "node:readline";
import { Engine } from "../answer/engine.js";
import type { Answer } from "../answer/types.js";
import { UsageError } from "./errors.js";
import { policiesDir } from "./paths.js";

/** Human-readable form of an answer. */
export function formatAnswer(a: Answer): string {
  return a.answer;
}

/** @returns exit code */
export async function runAsk(question: string, opts: { json?: boolean; stdin?: boolean }): Promise<number> {
  if (!opts.stdin && question.trim() === "")
    throw new UsageError('缺少问题 / missing question: policybot ask "郑州社会事业人才培养经费多少？"');
  if (opts.stdin && question.trim() !== "") throw new UsageError("--stdin 与命令行问题不能同时使用 / use either --stdin or a question");
  const engine = Engine.load(policiesDir());
  if (!opts.stdin) {
    const { answer } = engine.ask(question);
    process.stdout.write(opts.json ? `${JSON.stringify(answer)}\n` : `${formatAnswer(answer)}\n`);
    return 0;
  }
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    const { answer } = engine.ask(line);
    process.stdout.write(opts.json ? `${JSON.stringify(answer)}\n` : `${formatAnswer(answer)}\n\n`);
  }
  return 0;
}
