/**
 * The /notice interview as a small step machine over plain data: title →
 * program → deadline → body → contact → audience → preview → 立即发送 /
 * 定时发送 (the time) / 修改 (which field) / 取消. The interview engine of
 * `conversations/` fills profiles and forms and ends in a document; a notice
 * ends in a preview, a confirmation and a broadcast, so it gets its own
 * machine here. The state is JSON kept in the store, so a restart continues
 * at the same question; nothing is sent until 立即发送 or a scheduled time is
 * confirmed (the caller acts on {@link NoticeStep.action}).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseDate } from "../../dialog/dates.js";
import type { ReplyChoice } from "../../dialog/types.js";
import type { KnowledgeBase } from "../../kb/load.js";
import { type Notice, NoticeError, validateNotice } from "../notice.js";
import { Topics } from "../topics.js";
import { parseTopics, topicsText } from "./topic-parse.js";

const Field = z.enum(["title", "program", "deadline", "body", "contact", "audience"]);
/** A field of the draft, in the order they are asked. */
export type NoticeField = z.infer<typeof Field>;

/** The interview's stored state (the single source of its type). */
export const NoticeState = z.object({
  v: z.literal(1),
  step: z.union([Field, z.enum(["confirm", "edit", "schedule"])]),
  /** Milliseconds since the epoch when /notice began (part of the notice id). */
  startedAt: z.number(),
  /** Who composes it (a principal). */
  by: z.string(),
  draft: z
    .object({
      title: z.string(),
      program: z.string(),
      deadline: z.string(),
      body: z.string(),
      contact: z.string(),
      audience: Topics,
    })
    .partial(),
  /** Answering one field from 修改: back to the preview afterwards. */
  editing: z.boolean(),
  /** The values of the buttons last offered, by index. */
  offered: z.array(z.string()),
});
export type NoticeState = z.infer<typeof NoticeState>;

/** What the chat shows: a text, a question with buttons, the group message itself, the 通知 .docx. */
export type NoticeReply =
  | { type: "text"; text: string }
  | { type: "choices"; text: string; choices: ReplyChoice[] }
  | { type: "preview"; notice: Notice }
  | { type: "docx"; notice: Notice };

/** The result of one step: the new state (null: the interview is over), replies, and what to do. */
export interface NoticeStep {
  state: NoticeState | null;
  replies: NoticeReply[];
  /** Send now, or schedule; the caller starts the broadcast and answers. */
  action?: { kind: "send" | "schedule"; notice: Notice };
}

/** What a step needs besides the state. */
export interface NoticeContext {
  kb: KnowledgeBase;
  /** Clock (ms). */
  now: number;
  /** How many groups a notice would reach now (shown with the preview). */
  audienceSize: (n: Notice) => number;
}

const LABEL: Record<NoticeField, string> = {
  title: "标题",
  program: "项目",
  deadline: "截止日期",
  body: "正文",
  contact: "联系人",
  audience: "受众",
};
const ORDER = Field.options;
const CANCEL = /^(取消|\/cancel|cancel)$/i;
const SKIP = /^(跳过|无|全部|skip)$/i;

const text = (t: string): NoticeReply => ({ type: "text", text: t });

/** The question of a field. */
function ask(field: NoticeField, state: NoticeState): { replies: NoticeReply[]; offered: string[] } {
  const n = ORDER.indexOf(field) + 1;
  const head = state.editing ? `修改${LABEL[field]}：` : `第${n}步/共6步：`;
  switch (field) {
    case "title":
      return { replies: [text(`${head}请输入通知标题（如：关于开展2026年度社会事业人才培养对象申报工作的通知）。`)], offered: [] };
    case "program":
      return { replies: [text(`${head}请输入通知所属的项目名称或编号（如：社会事业人才培养专项，或 zz-social-talent）。`)], offered: [] };
    case "deadline":
      return { replies: [text(`${head}请输入申报截止日期（如 2026-06-30 或 2026年6月30日）。`)], offered: [] };
    case "body":
      return { replies: [text(`${head}请输入通知正文（可多行，空行分段）。`)], offered: [] };
    case "contact":
      return { replies: [text(`${head}请输入联系人及电话（如：市人社局专技处，0371-12345678）。`)], offered: [] };
    case "audience":
      return {
        replies: [
          {
            type: "choices",
            text: `${head}请输入受众话题（项目、地区、领域，如：郑州 教育 卫生），或选择“跳过”发给该项目所在地区的全部订阅群。`,
            choices: [{ label: "跳过", value: "跳过" }],
          },
        ],
        offered: ["跳过"],
      };
  }
}

/** The id of the notice a draft makes: stable for the same draft, new for another /notice. */
function idOf(state: NoticeState): string {
  const h = createHash("sha256")
    .update(JSON.stringify([state.by, state.startedAt, state.draft]))
    .digest("hex");
  return `chat-${h.slice(0, 20)}`;
}

/** The draft as a validated notice. @throws NoticeError */
export function draftNotice(state: NoticeState, kb: KnowledgeBase, scheduledAt?: string): Notice {
  const d = state.draft;
  return validateNotice(
    {
      id: idOf(state),
      title: d.title,
      program: d.program,
      deadline: d.deadline,
      body: d.body,
      contact: d.contact,
      audience: d.audience ?? { programs: [], regions: [], sectors: [] },
      ...(scheduledAt ? { scheduledAt } : {}),
    },
    kb,
    "/notice",
  );
}

/** The confirmation's buttons under the preview. */
export const CONFIRM: ReplyChoice[] = [
  { label: "立即发送", value: "立即发送" },
  { label: "定时发送", value: "定时发送" },
  { label: "修改", value: "修改" },
  { label: "取消", value: "取消" },
];

function preview(state: NoticeState, ctx: NoticeContext): NoticeStep {
  let notice: Notice;
  try {
    notice = draftNotice(state, ctx.kb);
  } catch (e) {
    const issues = e instanceof NoticeError ? e.issues.join("；") : String(e);
    return { state: { ...state, step: "edit", offered: ORDER }, replies: [text(`通知不完整：${issues}`), editChoices()] };
  }
  const n = ctx.audienceSize(notice);
  return {
    state: { ...state, step: "confirm", editing: false, offered: CONFIRM.map((c) => c.value) },
    replies: [
      text("预览（各群收到的消息如下）："),
      { type: "preview", notice },
      { type: "docx", notice },
      {
        type: "choices",
        text: `受众：${topicsText(notice.effectiveAudience, ctx.kb)}；目前匹配 ${n} 个订阅群。确认发送吗？`,
        choices: CONFIRM,
      },
    ],
  };
}

const editChoices = (): NoticeReply => ({
  type: "choices",
  text: "要修改哪一项？",
  choices: ORDER.map((f) => ({ label: LABEL[f], value: f })),
});

/** Programs a typed name may mean: the id, or a title or alias in the text (or the text in a title). */
function findPrograms(input: string, kb: KnowledgeBase): { id: string; title: string }[] {
  const t = input.trim();
  const exact = kb.programs.find((p) => p.program.id === t || p.program.title === t);
  if (exact) return [{ id: exact.program.id, title: exact.program.title }];
  const hits = kb.programs.filter(
    ({ program: p }) =>
      (t.length >= 2 && p.title.includes(t)) || p.aliases.some((a) => a.length >= 2 && (t.includes(a) || (t.length >= 3 && a.includes(t)))),
  );
  return hits.map((h) => ({ id: h.program.id, title: h.program.title }));
}

/** `2026-05-06 09:00` (Beijing time) and its usual Chinese spellings → ISO with +08:00, or null. */
export function parseSendTime(input: string): string | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*(\d{1,2})[:：点时](\d{2})?分?$/.exec(input.trim().replace(/\s+/g, " "));
  if (!m) return null;
  const date = parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  const hh = Number(m[4]);
  const mm = Number(m[5] ?? 0);
  if (!date || hh > 23 || mm > 59) return null;
  return `${date}T${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}:00+08:00`;
}

/** Begin the interview. @param by the composing admin's principal */
export function startNotice(by: string, now: number): NoticeStep {
  const state: NoticeState = { v: 1, step: "title", startedAt: now, by, draft: {}, editing: false, offered: [] };
  const q = ask("title", state);
  return {
    state: { ...state, offered: q.offered },
    replies: [text("开始撰写群发通知（随时发送“取消”退出，发送前会先给您预览）。"), ...q.replies],
  };
}

/** Move on after a field was answered: the next field, or back to the preview after 修改. */
function next(state: NoticeState, field: NoticeField, ctx: NoticeContext, said: NoticeReply[] = []): NoticeStep {
  const following = ORDER[ORDER.indexOf(field) + 1];
  if (state.editing || !following) {
    const p = preview(state, ctx);
    return { ...p, replies: [...said, ...p.replies] };
  }
  const q = ask(following, state);
  return { state: { ...state, step: following, offered: q.offered }, replies: [...said, ...q.replies] };
}

/**
 * One answer (typed text, or the value of a pressed button).
 * @returns the new state and replies; `action` when the admin confirmed sending
 */
export function stepNotice(state: NoticeState, input: string, ctx: NoticeContext): NoticeStep {
  const t = input.trim();
  if (CANCEL.test(t)) return { state: null, replies: [text("已取消，通知未发送。")] };
  const again = (msg: string, field: NoticeField): NoticeStep => {
    const q = ask(field, state);
    return { state: { ...state, offered: q.offered }, replies: [text(msg), ...q.replies] };
  };
  const set = (patch: NoticeState["draft"]): NoticeState => ({ ...state, draft: { ...state.draft, ...patch } });
  switch (state.step) {
    case "title":
      if (t.length < 1 || t.length > 200) return again("标题须为 1–200 个字。", "title");
      return next(set({ title: t }), "title", ctx);
    case "program": {
      const found = findPrograms(t, ctx.kb);
      if (found.length === 1 && found[0]) return next(set({ program: found[0].id }), "program", ctx, [text(`项目：${found[0].title}`)]);
      if (found.length === 0) return again(`知识库中没有找到“${t}”对应的项目。`, "program");
      const shown = found.slice(0, 10);
      return {
        state: { ...state, offered: shown.map((p) => p.id) },
        replies: [{ type: "choices", text: "找到多个项目，请选择：", choices: shown.map((p) => ({ label: p.title, value: p.id })) }],
      };
    }
    case "deadline": {
      const d = parseDate(t);
      if (!d) return again("日期无效，请按 2026-06-30 或 2026年6月30日 的格式输入。", "deadline");
      if (Date.parse(`${d}T23:59:59+08:00`) < ctx.now) return again("截止日期已过，请输入今天或以后的日期。", "deadline");
      return next(set({ deadline: d }), "deadline", ctx);
    }
    case "body":
      if (t.length < 1 || t.length > 20_000) return again("正文须为 1–20000 个字。", "body");
      return next(set({ body: input.replace(/\r\n/g, "\n").trim() }), "body", ctx);
    case "contact":
      if (t.length < 1 || t.length > 300) return again("联系人须为 1–300 个字。", "contact");
      return next(set({ contact: t }), "contact", ctx);
    case "audience": {
      if (SKIP.test(t)) return next(set({ audience: { programs: [], regions: [], sectors: [] } }), "audience", ctx);
      const parsed = parseTopics(t, ctx.kb);
      const note = `已识别受众：${topicsText(parsed.topics, ctx.kb)}${parsed.unknown.length > 0 ? `（未识别：${parsed.unknown.join("、")}）` : ""}`;
      return next(set({ audience: parsed.topics }), "audience", ctx, [text(note)]);
    }
    case "confirm": {
      if (t === "修改") return { state: { ...state, step: "edit", offered: ORDER }, replies: [editChoices()] };
      if (t === "定时发送")
        return {
          state: { ...state, step: "schedule", offered: [] },
          replies: [text("请输入发送时间（北京时间，如 2026-05-06 09:00）。")],
        };
      if (t === "立即发送") return { state: null, replies: [], action: { kind: "send", notice: draftNotice(state, ctx.kb) } };
      return { state, replies: [{ type: "choices", text: "请选择：", choices: CONFIRM }] };
    }
    case "edit": {
      const field = Field.safeParse(t);
      if (!field.success) return { state, replies: [editChoices()] };
      const editing = { ...state, step: field.data, editing: true };
      const q = ask(field.data, editing);
      return { state: { ...editing, offered: q.offered }, replies: q.replies };
    }
    case "schedule": {
      const at = parseSendTime(t);
      if (!at) return { state, replies: [text("时间格式不对，请按 2026-05-06 09:00 的格式输入（北京时间）。")] };
      if (Date.parse(at) <= ctx.now) return { state, replies: [text("这个时间已经过去，请输入以后的时间。")] };
      return { state: null, replies: [], action: { kind: "schedule", notice: draftNotice(state, ctx.kb, at) } };
    }
  }
}

/** Read a stored state; anything that does not parse is no interview. */
export function parseNoticeState(raw: unknown): NoticeState | null {
  const r = NoticeState.safeParse(raw);
  return r.success ? r.data : null;
}
