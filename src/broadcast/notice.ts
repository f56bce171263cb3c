/**
 * A program notice (通知) to broadcast: the YAML file an office writes (or the
 * /notice interview fills), validated with zod and against the knowledge base.
 *
 * ```yaml
 * title: 关于开展2026年度社会事业人才培养对象申报工作的通知
 * program: zz-social-talent          # a KB program id (policybot kb list)
 * deadline: 2026-06-30               # YYYY-MM-DD
 * body: |                            # paragraphs separated by blank lines
 *   各有关单位：……
 * contact: 市人社局专业技术人员管理处，0371-12345678
 * audience: { programs: [zz-social-talent], regions: [郑州市], sectors: [] }
 * scheduledAt: 2026-05-06T09:00:00+08:00   # optional: send at this time
 * ```
 * Optional too: `id` (stable id; default a hash of the content, so the same
 * file always means the same broadcast and a re-run resumes it instead of
 * sending again), `issuer` and `recipients` for the .docx (default: the
 * program document's first issuer, 各有关单位), `docNumber` (发文字号),
 * `channels` (default every channel with subscribers).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { KnowledgeBase } from "../kb/load.js";
import { yaml } from "../util/yaml.js";
import { Topics } from "./topics.js";

/** Channels a notice can go to. */
export const Channel = z.enum(["telegram", "lark"]);
export type Channel = z.infer<typeof Channel>;

/** The notice file's schema (the single source of the {@link Notice} type). */
export const NoticeSpec = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, "id 只能含字母数字、_ 和 -（≤40）/ id: A-Z a-z 0-9 _ - (≤ 40)")
      .optional(),
    title: z.string().trim().min(1, "缺少标题 / title is required").max(200),
    program: z.string().min(1, "缺少项目 / program is required"),
    deadline: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "截止日期须为 YYYY-MM-DD / deadline must be YYYY-MM-DD")
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "截止日期无效 / invalid deadline"),
    body: z.string().trim().min(1, "缺少正文 / body is required").max(20_000),
    contact: z.string().trim().min(1, "缺少联系人 / contact is required").max(300),
    audience: Topics.default({ programs: [], regions: [], sectors: [] }),
    scheduledAt: z.iso.datetime({ offset: true, error: "scheduledAt 须为 ISO 时间（含时区）/ ISO date-time with offset" }).optional(),
    issuer: z.string().trim().min(1).optional(),
    recipients: z.string().trim().min(1).optional(),
    docNumber: z.string().trim().min(1).optional(),
    channels: z.array(Channel).min(1).optional(),
  })
  .strict();
export type NoticeSpec = z.infer<typeof NoticeSpec>;

/** A validated notice with its id and the KB facts the message and the .docx need. */
export interface Notice extends NoticeSpec {
  id: string;
  /** The program's title in the KB. */
  programTitle: string;
  /** The program document's issuer (or the notice's own `issuer`). */
  issuer: string;
  recipients: string;
  /**
   * The audience used for matching: the notice's own topics, with the program
   * added to `programs` and, when no region is named, the program document's
   * region names.
   */
  effectiveAudience: Topics;
}

/** A notice file that cannot be used; `issues` are `path: message` lines. */
export class NoticeError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file}: ${issues.join("; ")}`);
    this.name = "NoticeError";
  }
}

/** JSON with object keys sorted, at every level: the same content always gives the same text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/** The default id of a notice: `n` and the first 16 hex digits of the sha256 of its canonical JSON (without `id`). */
export function noticeId(spec: NoticeSpec): string {
  const { id: _ignored, ...content } = spec;
  return `n${createHash("sha256").update(canonical(content)).digest("hex").slice(0, 16)}`;
}

/**
 * Validate a parsed notice against the schema and the knowledge base.
 * @param raw the parsed YAML (or the /notice interview's answers)
 * @param file named in errors
 * @throws NoticeError listing every problem (schema, unknown program ids)
 */
export function validateNotice(raw: unknown, kb: KnowledgeBase, file = "notice"): Notice {
  const r = NoticeSpec.safeParse(raw);
  if (!r.success)
    throw new NoticeError(
      file,
      r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    );
  const spec = r.data;
  const byId = new Map(kb.programs.map((p) => [p.program.id, p]));
  const issues: string[] = [];
  const main = byId.get(spec.program);
  if (!main) issues.push(`program: 知识库中没有项目 / unknown program ${spec.program}（policybot kb list）`);
  spec.audience.programs.forEach((p, i) => {
    if (!byId.has(p)) issues.push(`audience.programs.${i}: 知识库中没有项目 / unknown program ${p}`);
  });
  if (!main || issues.length > 0) throw new NoticeError(file, issues);
  const doc = main.document.doc;
  return {
    ...spec,
    id: spec.id ?? noticeId(spec),
    programTitle: main.program.title,
    issuer: spec.issuer ?? doc.issuers[0] ?? "",
    recipients: spec.recipients ?? "各有关单位",
    effectiveAudience: {
      programs: [...new Set([spec.program, ...spec.audience.programs])],
      regions: spec.audience.regions.length > 0 ? spec.audience.regions : doc.region.names,
      sectors: spec.audience.sectors,
    },
  };
}

/**
 * Read and validate a notice YAML file.
 * @throws NoticeError when the file cannot be read or parsed, or is invalid
 */
export function loadNotice(file: string, kb: KnowledgeBase): Notice {
  let raw: unknown;
  try {
    // YAML 1.2 core schema: 2026-06-30 stays a string.
    raw = yaml().parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new NoticeError(file, [`无法读取 / cannot read: ${(e as Error).message.split("\n")[0]}`]);
  }
  return validateNotice(raw, kb, file);
}
