/**
 * `policybot eligibility --profile p.json [--program ID] [--as-of YYYY-MM-DD] [--json]`:
 * every program's verdict for a profile, best first. A bad profile exits 2 with
 * every field error listed (Chinese / English).
 */
import { readFileSync } from "node:fs";
import { loadKnowledgeBase } from "../kb/load.js";
import { type EligibilityResult, evaluate, evaluateAll, today } from "../rules/evaluate.js";
import { Profile, profileErrors } from "../rules/profile.js";
import { defaultCacheDir } from "../util/cache.js";
import { textTable } from "../util/text-table.js";
import { UsageError } from "./errors.js";
import { policiesDir } from "./paths.js";

/** Chinese labels of the verdicts. */
export const VERDICT_LABELS: Record<EligibilityResult["verdict"], string> = {
  eligible: "符合",
  conditional: "基本符合（有一般性条件未满足）",
  incomplete: "信息不全",
  ineligible: "不符合",
};

const SHORT_LABELS: Record<EligibilityResult["verdict"], string> = {
  eligible: "符合",
  conditional: "基本符合",
  incomplete: "信息不全",
  ineligible: "不符合",
};

/** Read and validate a profile file. @throws UsageError listing every problem */
export function readProfile(file: string): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`无法读取资料文件 / cannot read profile ${file}: ${(e as Error).message}`);
  }
  const parsed = Profile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`资料有误 / invalid profile ${file}:\n  ${profileErrors(parsed.error).join("\n  ")}`);
  return parsed.data;
}

function reason(r: EligibilityResult): string {
  const bad = r.criteria.filter((c) => c.status === "not_met" || c.status === "unknown");
  return bad.map((c) => c.explanation ?? c.text).join(" ");
}

/** @returns exit code */
export async function runEligibility(opts: { profile?: string; program?: string; asOf?: string; json?: boolean }): Promise<number> {
  if (!opts.profile) throw new UsageError("缺少 --profile / missing --profile p.json");
  if (opts.asOf && !/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf)) throw new UsageError("--as-of 须为 YYYY-MM-DD / --as-of must be YYYY-MM-DD");
  const profile = readProfile(opts.profile);
  const root = policiesDir();
  const { kb } = loadKnowledgeBase(root, { verify: false, cacheDir: defaultCacheDir(root) });
  let results: EligibilityResult[];
  if (opts.program) {
    const found = kb.programs.find((p) => p.program.id === opts.program);
    if (!found) throw new UsageError(`未知项目 / unknown program: ${opts.program}（policybot kb list 查看）`);
    results = [evaluate(profile, found.program, { asOf: opts.asOf, document: found.document.doc })];
  } else {
    results = evaluateAll(kb, profile, { asOf: opts.asOf });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    return 0;
  }
  const asOf = opts.asOf ?? today();
  process.stdout.write(`资格自测结果（判断日期 ${asOf}，共 ${results.length} 个项目，按符合程度排序）\n\n`);
  const rows = results.map((r, i) => [String(i + 1), SHORT_LABELS[r.verdict], r.program.title, reason(r) || "—"]);
  process.stdout.write(`${textTable(["序号", "结论", "项目", "原因（未满足或待补充的条件）"], rows, [4, 8, 40, 64])}\n`);
  process.stdout.write("（基本符合：硬性条件均满足，一般性条件未满足，可能放宽）\n");
  const open = results.filter((r) => r.verdict !== "ineligible");
  if (open.length > 0) process.stdout.write("\n下一步：\n");
  for (const r of open) for (const step of r.nextSteps) process.stdout.write(`· ${r.program.title}：${step}\n`);
  process.stdout.write("\n说明：以上为根据政策原文的自动判断，仅供参考，最终以主管部门评审结果为准。完整说明请用 --json 或 --program。\n");
  return 0;
}
