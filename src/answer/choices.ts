/** Loose replies to a clarifying question (卫生骨干 → the 卫生领域 骨干人才 choice). */
import Fuse from "fuse.js";
import type { Choice } from "./types.js";

/**
 * A short reply naming one of the offered choices loosely (卫生骨干, 玉溪那个):
 * the only label containing it, else the best fuse.js match. Longer texts are
 * new questions, not choices.
 */
export function matchChoice(reply: string, choices: Choice[]): Choice | undefined {
  const r = reply.replace(/[的那个吧呢吗。？?！!\s]/g, "");
  if (r.length < 2 || r.length > 12) return undefined;
  const containing = choices.filter((c) => c.label.includes(r));
  if (containing.length === 1) return containing[0];
  if (containing.length > 1) return undefined;
  const best = new Fuse(choices, { keys: ["label"], includeScore: true, threshold: 0.4, ignoreLocation: true }).search(r)[0];
  return best && (best.score ?? 1) <= 0.4 ? best.item : undefined;
}
