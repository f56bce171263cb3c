/** Structured answers: KB values for an intent, grouped across programs that agree. */
import type { Program } from "../kb/schema.js";
import type { Intent } from "../nlu/catalog.js";
import type { Understanding } from "../nlu/understand.js";
import { unique } from "../util/collections.js";
import type { Target } from "./programs.js";
import { type Rendered, renderBasis, renderField, renderStatus } from "./render.js";

/**
 * The structured KB values answering an intent for a target: one program's
 * lines, or programs grouped by identical lines (every domain's 拔尖人才 gets
 * 1万元); nothing when more than four groups differ.
 */
export function structuredFor(intent: Intent | null, t: Target, u: Understanding): Rendered {
  if (!intent) return { lines: [], clauses: [] };
  if (intent.field === "status") return renderStatus(t.document.doc);
  if (intent.field === "basis") return renderBasis(t.document.doc);
  if (t.programs.length === 0) return { lines: [], clauses: [] };
  // 文化领域骨干人才可以来自哪些行业: a 领域 program's sectors that only repeat the 领域 the
  // question names (适用领域：文化) tell nothing new; the clauses (文化艺术、新闻传媒…) answer.
  const domains = new Set(u.mentions.filter((m) => m.kind === "domain").map((m) => m.ref));
  const named = new Set(u.mentions.filter((m) => m.kind === "program").map((m) => m.ref));
  const restates = (p: Program) =>
    p.domain !== undefined && p.sectors.every((s) => s === p.domain) && (domains.has(p.domain) || named.has(p.id));
  if (intent.field === "sectors" && t.programs.every(restates)) return { lines: [], clauses: [] };
  // Group programs whose rendering is the same (e.g. every domain's 拔尖人才 gets 1万元).
  const groups = new Map<string, { programs: Program[]; rendered: Rendered }>();
  for (const p of t.programs) {
    const r = renderField(intent, p, u.aspects, { when: u.asksWhen });
    if (r.lines.length === 0) continue;
    const key = r.lines.join("\n");
    const g = groups.get(key) ?? { programs: [], rendered: r };
    g.programs.push(p);
    groups.set(key, g);
  }
  if (groups.size === 1) return [...groups.values()][0]?.rendered ?? { lines: [], clauses: [] };
  if (groups.size > 4) return { lines: [], clauses: [] };
  const lines: string[] = [];
  const clauses: string[] = [];
  for (const g of groups.values()) {
    lines.push(`${groupTitle(g.programs)}：`, ...g.rendered.lines.map((l) => `  ${l}`));
    clauses.push(...g.rendered.clauses);
  }
  return { lines, clauses };
}

/** `武清区鲲鹏工程 卫生领域 拔尖人才` for one program; `拔尖人才（党政、卫生…）` for a group sharing a tier. */
function groupTitle(programs: Program[]): string {
  const first = programs[0];
  if (!first) return "";
  if (programs.length === 1) return first.title;
  const tiers = unique(programs.map((p) => p.tier ?? ""));
  const domains = unique(programs.map((p) => p.domain ?? "").filter(Boolean));
  if (tiers.length === 1 && tiers[0] && domains.length > 0) return `${tiers[0]}（${domains.join("、")}领域）`;
  return programs.map((p) => p.title).join("、");
}
