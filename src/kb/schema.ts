/**
 * Knowledge-base schema: the single source of truth for the shape of every
 * file under `policies/`. Types are inferred from these zod schemas.
 *
 * Design follows OpenFisca parameters: every structured value carries the id
 * of the clause it comes from (`clause`), and `policybot kb check` verifies
 * that the clause exists and that every number in the value appears in it.
 */
import { z } from "zod";

/** A clause id as written after `§` in the source file, e.g. `第六条` or `卫生/三、2`. */
export const ClauseRef = z.string().min(1);

/** ISO date `YYYY-MM-DD`. */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期须为 YYYY-MM-DD / date must be YYYY-MM-DD");

/** A statement taken from a clause: plain text plus its source clause. */
export const Cited = z.object({
  text: z.string().min(1),
  clause: ClauseRef,
});
export type Cited = z.infer<typeof Cited>;

/** Profile fields the eligibility engine knows (see README "Profile fields"). */
export const ProfileField = z.enum([
  "age",
  "gender",
  "nationality",
  "region",
  "employerLevel",
  "employerKind",
  "sector",
  "degree",
  "professionalTitle",
  "yearsAtEmployer",
  "yearsInRole",
  "yearsInPost",
  "yearsGrassroots",
  "cadreRank",
  "teachingYears",
  "socialWorkYears",
  "isCivilServantManaged",
  "inProfessionalPost",
  "alreadyRecognizedTalent",
  "ethnicMinority",
  "remoteTownship",
  "isEnterpriseHead",
  "hasProfessionalManagerQualification",
  "employerRevenueCNY",
  "talentClass",
]);
export type ProfileField = z.infer<typeof ProfileField>;

/** Comparison operators. Boundaries follow 民法典 第一千二百五十九条: 以上/以下 include the number. */
export const Operator = z.enum(["eq", "ne", "in", "not_in", "gte", "lte", "gt", "lt"]);

/**
 * Strength of a criterion:
 * - `hard`: must hold;
 * - `soft`: the text says 一般/原则上/左右/适当放宽, an exception is possible;
 * - `manual`: subjective (热爱祖国, 业绩突出), judged by reviewers.
 */
export const Strength = z.enum(["hard", "soft", "manual"]);

const CriterionBase = z.object({
  id: z.string().min(1).optional(),
  /** The requirement in plain Chinese, as a reviewer would state it. */
  text: z.string().min(1),
  strength: Strength,
  clause: ClauseRef,
});

/** A machine-checkable test on one profile field. */
export const Test = z.object({
  field: ProfileField,
  op: Operator,
  value: z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.string(), z.number()]))]),
});
export type Test = z.infer<typeof Test>;

/**
 * One eligibility criterion. Either a single `test`, a disjunction `anyOf`
 * (e.g. 高级职称或博士学位), a conjunction `allOf`, or none of them (manual).
 */
export const Criterion = CriterionBase.extend({
  test: Test.optional(),
  anyOf: z.array(Test).optional(),
  allOf: z.array(Test).optional(),
  /**
   * Circumstances in which the text relaxes this (soft) criterion, e.g. 民族、边远乡镇适当放宽:
   * a profile matching any of them is told it may ask for the relaxation.
   */
  relaxedWhen: z.array(Test).optional(),
});
export type Criterion = z.infer<typeof Criterion>;

/** Funding: an amount in CNY, for whom, paid how. */
export const Funding = z.object({
  amountCNY: z.number().positive().optional(),
  per: z.string().min(1),
  payer: z.string().optional(),
  payee: z.string().optional(),
  /** Installments, e.g. 6:4 in two phases. `share` in percent. */
  schedule: z.array(z.object({ share: z.number().positive().max(100), when: z.string().min(1) })).optional(),
  condition: z.string().optional(),
  uses: z.string().optional(),
  text: z.string().min(1),
  clause: ClauseRef,
});
export type Funding = z.infer<typeof Funding>;

export const Quota = z.object({
  count: z.number().positive(),
  approximate: z.boolean().default(false),
  period: z.string().optional(),
  text: z.string().min(1),
  clause: ClauseRef,
});

export const Duration = z.object({
  value: z.number().positive(),
  unit: z.enum(["年", "月", "日", "工作日"]),
  soft: z.boolean().default(false),
  text: z.string().min(1),
  clause: ClauseRef,
});

export const Step = z.object({
  name: z.string().min(1),
  by: z.string().optional(),
  text: z.string().min(1),
  clause: ClauseRef,
});

export const BenefitType = z.enum(["子女入学", "医疗", "住房", "职称", "培训", "经费", "落户", "补贴", "平台", "服务", "表彰", "其他"]);

export const Benefit = Cited.extend({ type: BenefitType });

export const Responsible = z.object({
  department: z.string().min(1),
  role: z.string().min(1),
  clause: ClauseRef,
});

export const Deadline = Cited.extend({
  /** Fixed date in the year, `MM-DD`, when the text states one (e.g. 每年8月30日前). */
  monthDay: z
    .string()
    .regex(/^\d{2}-\d{2}$/)
    .optional(),
  days: z.number().positive().optional(),
  unit: z.enum(["日", "工作日"]).optional(),
});

/** A program (专项/计划/领域×层次) inside a policy document. */
export const Program = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, "程序 id 只能用小写字母、数字和连字符 / program id: lowercase, digits, hyphens"),
  title: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  aliasesEn: z.array(z.string().min(1)).default([]),
  /**
   * Other schemes (工程/计划) the program's clauses name without giving their own rules, e.g.
   * 平顶山's “671青年人才工程”: a question about them is answered from this program's clauses,
   * but a number asked about them (名额、金额) is not stated by the document.
   */
  mentionedSchemes: z.array(z.string().min(1)).default([]),
  /** 武清 domain (卫生, 教育 …) or null. */
  domain: z.string().optional(),
  /** 拔尖人才 / 骨干人才 / 优秀处级干部 … */
  tier: z.string().optional(),
  /** Talent class (A/B/C/D) where the document uses them. */
  talentClass: z.string().optional(),
  /** Clause-id prefixes that belong to this program (default: the whole document). */
  scope: z.array(z.string()).default([]),
  sectors: z.array(z.string()).default([]),
  sectorsClause: ClauseRef.optional(),
  quota: Quota.optional(),
  funding: z.array(Funding).default([]),
  duration: Duration.optional(),
  procedure: z.array(Step).default([]),
  criteria: z.array(Criterion).default([]),
  exclusions: z.array(Criterion).default([]),
  benefits: z.array(Benefit).default([]),
  obligations: z.array(Cited).default([]),
  discipline: z.array(Cited).default([]),
  assessment: z.array(Cited).default([]),
  deadlines: z.array(Deadline).default([]),
  responsible: z.array(Responsible).default([]),
  contacts: z.array(Responsible).default([]),
  /** Application form names (申报表/申请表/考核登记表), used by later interviews. */
  forms: z.array(Cited).default([]),
});
export type Program = z.infer<typeof Program>;

export const DocStatus = z.enum(["in_force", "superseded", "expired", "trial", "informational"]);

export const RelatedDoc = z.object({
  title: z.string().min(1),
  docNumber: z.string().optional(),
  note: z.string().optional(),
  clause: ClauseRef,
});

/** One policy document: one YAML file under `policies/<region>/`. */
export const PolicyDocument = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  shortTitle: z.string().min(1),
  kind: z.enum(["实施细则", "实施方案", "新闻报道", "通知"]),
  docNumber: z.string().nullable(),
  issuers: z.array(z.string().min(1)).min(1),
  issueDate: IsoDate,
  issueDateClause: ClauseRef,
  effective: z.object({
    from: IsoDate.nullable(),
    to: IsoDate.nullable(),
    text: z.string().min(1),
    clause: ClauseRef,
  }),
  status: DocStatus,
  statusNote: z.string().optional(),
  trial: z.boolean().default(false),
  supersedes: z.array(RelatedDoc).default([]),
  supersededBy: z.array(RelatedDoc).default([]),
  basis: z.array(RelatedDoc).default([]),
  interpreter: Responsible.optional(),
  region: z.object({
    province: z.string(),
    city: z.string(),
    district: z.string().optional(),
    names: z.array(z.string().min(1)).min(1),
  }),
  aliases: z.array(z.string().min(1)).default([]),
  aliasesEn: z.array(z.string().min(1)).default([]),
  /** Path of the clause-marked verbatim source text, relative to `policies/`. */
  source: z.string().min(1),
  /** Who to ask when the documents are silent. */
  contacts: z.array(Responsible).default([]),
  programs: z.array(Program).default([]),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** A citable unit of a source text. */
export interface Clause {
  /** Stable id, unique inside its document (e.g. `第六条`, `卫生/三、2`). */
  id: string;
  /** Human label for citations, e.g. `第六条` or `卫生领域实施细则 三、选拔条件 2`. */
  label: string;
  text: string;
  /** 1-based line of the `§` marker in the source file. */
  line: number;
  documentId: string;
}
