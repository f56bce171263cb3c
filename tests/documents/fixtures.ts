/** Typical data for every template (the field names are the contract with the interview engine). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mammoth from "mammoth";
import { ROOT } from "../helpers/paths.js";

/** The bundled templates folder. */
export const TEMPLATES = join(ROOT, "templates");

/** The text of a .docx, as Word users would read it (mammoth). */
export async function docText(buffer: Buffer): Promise<string> {
  return (await mammoth.extractRawText({ buffer })).value;
}

/** Two programs of a self-check, as the report lists them (conclusions and details alike). */
const SELF_CHECK_RESULTS = [
  {
    program: "郑州市社会事业人才培养专项",
    document: "郑州市社会事业人才培养专项实施细则（郑人社规〔2024〕1号）",
    verdict: "eligible",
    verdictLabel: "符合",
    criteria: [
      { text: "年龄一般在45周岁以下", statusLabel: "满足", source: "第四条" },
      { text: "一般应具有高级职称或博士学位", statusLabel: "满足", source: "第四条" },
    ],
    nextSteps: ["准备三年培养规划", "由用人单位通过“郑聚英才计划”服务平台申报"],
  },
  {
    program: "玉溪市基层人才对口培养计划",
    document: "玉溪市基层人才对口培养计划实施细则（试行）",
    verdict: "ineligible",
    verdictLabel: "不符合",
    criteria: [{ text: "年龄在35岁左右", statusLabel: "不满足", source: "第五条" }],
    nextSteps: [],
  },
];

/** Typical data by template id. */
export const DATA: Record<string, Record<string, unknown>> = {
  "zz-social-talent-application": JSON.parse(readFileSync(join(TEMPLATES, "examples", "zz-social-talent-application.json"), "utf8")),
  "yx-grassroots-application": {
    name: "李四",
    gender: "女",
    birthDate: "1990-06-15",
    ethnicity: "彝族",
    politicalStatus: "群众",
    idNumber: "530400199006150022",
    mobile: "13900000000",
    county: "峨山彝族自治县",
    employer: "峨山县人民医院",
    sector: "卫生",
    degree: "大学本科",
    professionalTitle: "主治医师",
    specialty: "儿科",
    preferredHost: "玉溪市人民医院",
    researchGoal: "掌握儿科危重症救治技术。",
  },
  "yx-grassroots-assessment": {
    name: "李四",
    gender: "女",
    employer: "峨山县人民医院",
    hostUnit: "玉溪市人民医院",
    periodFrom: "2019-09-01",
    periodTo: "2020-02-29",
    summary: "研修期间参与课题一项，独立完成病例讨论20次。",
    rating: "优秀",
  },
  "wq-kunpeng-application": {
    domain: "卫生",
    tier: "骨干人才",
    name: "王五",
    gender: "男",
    birthDate: "1986-01",
    politicalStatus: "中共党员",
    idNumber: "120222198601010011",
    mobile: "13700000000",
    employer: "武清区人民医院",
    degree: "硕士研究生",
    professionalTitle: "主治医师",
    achievements: "获区级科技进步奖一项。",
  },
  "self-check-report": {
    date: "2026-11-22",
    profile: [
      { label: "年龄", value: "38岁" },
      { label: "职称", value: "副高级" },
    ],
    results: SELF_CHECK_RESULTS,
    details: SELF_CHECK_RESULTS,
  },
  "broadcast-report": {
    title: "关于开展2026年度社会事业人才培养对象申报工作的通知",
    noticeId: "n-3f2a9c",
    startedAt: "2026-11-22 09:00",
    finishedAt: "2026-11-22 09:03",
    stateLabel: "已完成",
    total: 4,
    sent: 2,
    failed: 2,
    unfinished: 0,
    channels: [
      { channel: "Telegram", total: 2, sent: 1, failed: 1 },
      { channel: "飞书 / Lark", total: 2, sent: 1, failed: 1 },
    ],
    failures: [
      { chat: "telegram:-1001", title: "郑州教育群", reason: "403 Forbidden: bot was kicked", handling: "已退订（不再发送）" },
      { chat: "lark:oc_2", title: "郑州卫生群", reason: "500 内部错误（已重试 5 次）", handling: "可再次发送" },
    ],
    uncertain: [{ chat: "telegram:-1002", title: "郑州文化群", times: 1 }],
  },
  notice: {
    title: "关于开展2026年度社会事业人才培养对象申报工作的通知",
    docNumber: "郑人社〔2026〕1号",
    recipients: "各开发区、区县（市）人力资源社会保障部门",
    body: "为做好申报工作，现将有关事项通知如下。\n\n一、申报条件按细则执行。\n\n二、请按时报送材料。",
    deadline: "2026-12-31",
    contact: "张老师 0371-12345678",
    issuer: "郑州市人力资源和社会保障局",
    date: "2026-11-22",
  },
  "notice-word": {
    title: "关于开展申报工作的通知",
    body: "请各单位按时报送。",
    issuer: "郑州市人力资源和社会保障局",
    date: "2026年11月22日",
  },
};
