/**
 * The applicant profile: the facts eligibility criteria are tested against.
 * Every field is optional (an unknown field makes a criterion `unknown`).
 * Field names are a public contract (issue #3); extend, never rename.
 *
 * Units: ages and durations in years (decimals allowed, e.g. 1.5), money in CNY,
 * dates as ISO `YYYY-MM-DD`.
 */
import { z } from "zod";

const oneOf = <T extends readonly [string, ...string[]]>(values: T, zh: string, en: string) =>
  z.enum(values, { error: `${zh}须为 ${values.join("/")} 之一 / ${en} must be one of ${values.join(", ")}` });
const years = (zh: string, en: string) =>
  z
    .number({ error: `${zh}须为数字（年） / ${en} must be a number of years` })
    .min(0, `${zh}不能为负数 / ${en} cannot be negative`)
    .max(80, `${zh}不合理 / ${en} is out of range`);
const flag = (zh: string, en: string) => z.boolean({ error: `${zh}须为 true 或 false / ${en} must be true or false` });
const isoDate = (zh: string, en: string) =>
  z
    .string({ error: `${zh}须为日期 / ${en} must be a date` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${zh}须为 YYYY-MM-DD 格式 / ${en} must be YYYY-MM-DD`)
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), `${zh}不是有效日期 / ${en} is not a valid date`);

export const DEGREES = ["高中及以下", "大专", "本科", "硕士", "博士"] as const;
export const TITLES = ["无", "初级", "中级", "副高级", "正高级"] as const;
export const EMPLOYER_LEVELS = ["市属", "区县属", "乡镇", "街道"] as const;
export const EMPLOYER_KINDS = ["事业单位", "企业", "党政机关", "社会组织"] as const;
export const CADRE_RANKS = ["处级", "正科级", "副科级", "无"] as const;

/** The public profile schema (`policybot eligibility --profile p.json`). */
export const Profile = z
  .object({
    age: z
      .number({ error: "年龄须为数字（周岁） / age must be a number of years" })
      .int("年龄须为整数周岁 / age must be whole years")
      .min(14, "年龄不合理 / age is out of range")
      .max(100, "年龄不合理 / age is out of range"),
    birthDate: isoDate("出生日期", "birthDate"),
    gender: oneOf(["男", "女"] as const, "性别", "gender"),
    nationality: z.string({ error: "国籍须为文字 / nationality must be text" }).min(1, "国籍不能为空 / nationality cannot be empty"),
    region: z.string({ error: "地区须为文字 / region must be text" }).min(1, "地区不能为空 / region cannot be empty"),
    employerLevel: oneOf(EMPLOYER_LEVELS, "单位层级", "employerLevel"),
    employerKind: oneOf(EMPLOYER_KINDS, "单位性质", "employerKind"),
    sector: z.string({ error: "领域须为文字 / sector must be text" }).min(1, "领域不能为空 / sector cannot be empty"),
    degree: oneOf(DEGREES, "学历", "degree"),
    professionalTitle: oneOf(TITLES, "职称", "professionalTitle"),
    yearsAtEmployer: years("在本单位工作年限", "yearsAtEmployer"),
    employmentStartDate: isoDate("入职日期", "employmentStartDate"),
    yearsInRole: years("任现职年限", "yearsInRole"),
    yearsInPost: years("在岗位工作年限", "yearsInPost"),
    yearsGrassroots: years("基层工作年限", "yearsGrassroots"),
    cadreRank: oneOf(CADRE_RANKS, "干部职级", "cadreRank"),
    teachingYears: years("教龄", "teachingYears"),
    socialWorkYears: years("社会工作年限", "socialWorkYears"),
    isCivilServantManaged: flag("是否参照公务员法管理", "isCivilServantManaged"),
    inProfessionalPost: flag("是否在专业技术岗位", "inProfessionalPost"),
    alreadyRecognizedTalent: flag("是否已认定为高层次人才或入选人才项目", "alreadyRecognizedTalent"),
    ethnicMinority: flag("是否少数民族", "ethnicMinority"),
    remoteTownship: flag("是否边远乡镇", "remoteTownship"),
    isEnterpriseHead: flag("是否企业第一负责人", "isEnterpriseHead"),
    hasProfessionalManagerQualification: flag("是否具备职业经理人资格", "hasProfessionalManagerQualification"),
    talentClass: oneOf(["A", "B", "C", "D", "E", "无"] as const, "已认定的人才类别", "talentClass"),
    employerRevenueCNY: z
      .number({ error: "单位年主营业务收入须为数字（元） / employerRevenueCNY must be a number (CNY)" })
      .min(0, "单位年主营业务收入不能为负数 / employerRevenueCNY cannot be negative"),
  })
  .partial()
  .strict();
export type Profile = z.infer<typeof Profile>;

/** Chinese labels of the profile fields, for explanations and reports. */
export const FIELD_LABELS: Record<keyof Profile, string> = {
  age: "年龄",
  birthDate: "出生日期",
  gender: "性别",
  nationality: "国籍",
  region: "单位所在地区",
  employerLevel: "单位层级",
  employerKind: "单位性质",
  sector: "领域",
  degree: "学历",
  professionalTitle: "职称",
  yearsAtEmployer: "在本单位连续工作年限",
  employmentStartDate: "入职日期",
  yearsInRole: "任现职年限",
  yearsInPost: "在现岗位工作年限",
  yearsGrassroots: "基层工作年限",
  cadreRank: "干部职级",
  teachingYears: "教龄",
  socialWorkYears: "从事社会工作年限",
  isCivilServantManaged: "是否参照公务员法管理",
  inProfessionalPost: "是否在专业技术岗位",
  alreadyRecognizedTalent: "是否已认定为高层次人才或入选人才项目",
  ethnicMinority: "是否少数民族",
  remoteTownship: "是否边远乡镇",
  isEnterpriseHead: "是否企业第一负责人",
  hasProfessionalManagerQualification: "是否具备职业经理人资格",
  employerRevenueCNY: "单位年主营业务收入（元）",
  talentClass: "已认定的人才类别（A/B/C/D/E类）",
};

/** Every problem with a profile as `path: message` lines (Chinese / English). */
export function profileErrors(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = i.path.join(".") || "(profile)";
    const message = i.code === "unrecognized_keys" ? `未知字段 ${i.keys.join(", ")} / unknown field(s) ${i.keys.join(", ")}` : i.message;
    return `${path}: ${message}`;
  });
}
