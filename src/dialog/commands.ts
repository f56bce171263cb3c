/** Commands understood inside an interview, in Chinese and English. */

/** A parsed command; `change` carries the question label or number typed after it. */
export type Command =
  | { kind: "back" }
  | { kind: "change"; target: string }
  | { kind: "skip" }
  | { kind: "restart" }
  | { kind: "cancel" }
  | { kind: "help" }
  | { kind: "finish" }
  | { kind: "confirm" };

const SIMPLE: [RegExp, Command][] = [
  [/^(上一步|上一题|返回|back|previous)$/i, { kind: "back" }],
  [/^(跳过|skip)$/i, { kind: "skip" }],
  [/^(重新开始|重来|restart)$/i, { kind: "restart" }],
  [/^(取消|退出|cancel|quit|exit)$/i, { kind: "cancel" }],
  [/^(帮助|help|为什么|为什么问|\?|？)$/i, { kind: "help" }],
  [/^(完成|结束|finish|done)$/i, { kind: "finish" }],
  [/^(确认|确定|确认无误|confirm)$/i, { kind: "confirm" }],
];

/** The command in a cleaned message, or null when it is an answer. */
export function parseCommand(text: string): Command | null {
  const t = text.trim().replace(/[。.!！]$/u, "");
  for (const [re, cmd] of SIMPLE) if (re.test(t)) return cmd;
  // A long text that happens to start with 修改 is an answer, not a command.
  const m = /^(修改|更改|change|edit)\s*(?:第)?\s*(.{0,20}?)\s*(?:题|项)?$/i.exec(t);
  if (m) return { kind: "change", target: m[2] ?? "" };
  return null;
}
