/**
 * The one conversation core every channel uses: a user message (text or a
 * chosen option) and the chat's session in, replies (text, choices,
 * documents) and the new session out. Interviews (资格自测, 申报表) take the
 * messages while they run; everything else goes to the Q&A engine. Channels
 * (terminal, Telegram, Lark) only translate messages and store the session,
 * which is plain JSON.
 */
import { join } from "node:path";
import { z } from "zod";
import { Engine } from "../answer/engine.js";
import type { Answer, ChatContext } from "../answer/types.js";
import { defaultDeps } from "../dialog/deps.js";
import { loadInterviews } from "../dialog/load.js";
import { type InterviewSession, isInterviewTrigger, NO_INTERVIEW, resumeSession, routeMessage } from "../dialog/router.js";
import type { Interview } from "../dialog/schema.js";
import { type DialogDeps, DialogState, type Reply } from "../dialog/types.js";
import { today } from "../rules/evaluate.js";
import { openDeepLink, parseDeepLink } from "./deep-link.js";

/** What one chat remembers between messages: the Q&A context and the interview in progress. */
export interface Session {
  context: ChatContext;
  interview: InterviewSession;
  /** The user agreed to the privacy notice (个人信息保护法) before an interview collected personal data. */
  consent?: boolean;
  /** The interview trigger waiting for that consent (资格自测 / 申报表). */
  awaitingConsent?: string;
}

/** Options of a conversation. */
export interface ConversationOptions {
  /**
   * Ask for consent to the privacy notice before the first interview collects
   * personal information (chat channels; the local terminal does not need it).
   */
  requireConsent?: boolean;
}

/** The privacy notice shown before the first interview (个人信息保护法: what, why, how long, /forget). */
export const PRIVACY_NOTICE =
  "开始前请阅读隐私说明：资格自测和申报表会收集您的年龄、学历、职称等信息（申报表还包括身份证号、手机号），仅用于判断申报资格和生成您要的文档；会话在最后一次消息后按设定时间自动删除，生成的文件不长期保存；随时发送 /forget 可删除您的全部数据。是否同意？";

/** A chat that has said nothing yet. */
export const NEW_SESSION: Session = {
  context: { documents: [], programs: [], domains: [], tiers: [], intent: null },
  interview: NO_INTERVIEW,
};

/** A user message: typed text, or the value of a choice they pressed. */
export type Input = { text: string } | { choice: string };

/** The result of one message. */
export interface Handled {
  session: Session;
  replies: Reply[];
}

const Choice = z.object({ label: z.string(), value: z.string() });
const StoredSession = z.object({
  context: z.object({
    documents: z.array(z.string()),
    programs: z.array(z.string()),
    domains: z.array(z.string()),
    tiers: z.array(z.string()),
    intent: z.string().nullable(),
    pending: z.object({ question: z.string(), choices: z.array(Choice) }).optional(),
  }),
  interview: z.object({ dialog: DialogState.nullable(), offered: z.array(z.string()).nullable() }),
  consent: z.boolean().optional(),
  awaitingConsent: z.string().optional(),
});

/**
 * Read a stored session (from a file, Redis, SQLite …). Anything that does not
 * parse starts a new session rather than failing the chat.
 */
export function parseSession(raw: unknown): Session {
  const r = StoredSession.safeParse(raw);
  return r.success ? (r.data as Session) : NEW_SESSION;
}

/** Q&A answers as replies: the text, and the candidates of a clarifying question as choices. */
export function answerReplies(answer: Answer): Reply[] {
  if (answer.status === "clarify" && answer.choices && answer.choices.length > 0) {
    const [question] = answer.answer.split("\n");
    return [{ type: "choices", text: question ?? answer.answer, choices: answer.choices }];
  }
  return [{ type: "text", text: answer.answer }];
}

export class Conversation {
  private interviews: Map<string, Interview> | null = null;

  /**
   * @param engine the Q&A engine (its KB also drives the interviews)
   * @param conversationsDir the interviews folder (`conversations/`)
   * @param deps eligibility and rendering for the interviews
   */
  constructor(
    readonly engine: Engine,
    private readonly conversationsDir: string,
    private readonly deps: DialogDeps,
    private readonly options: ConversationOptions = {},
  ) {}

  /**
   * The bundled assistant: KB from `policies/`, interviews from `conversations/`,
   * templates from `templates/`, dates judged at `asOf` (default today).
   */
  static load(
    root: { policies: string; conversations: string; templates: string },
    asOf = today(),
    options: ConversationOptions = {},
  ): Conversation {
    const engine = Engine.load(root.policies);
    return new Conversation(engine, root.conversations, defaultDeps(engine.kb, root.templates, asOf), options);
  }

  /** The bundled folders of a project root. */
  static folders(projectRoot: string, policies = join(projectRoot, "policies")) {
    return { policies, conversations: join(projectRoot, "conversations"), templates: join(projectRoot, "templates") };
  }

  private loaded(): Map<string, Interview> {
    this.interviews ??= loadInterviews(this.conversationsDir, this.engine.kb);
    return this.interviews;
  }

  /**
   * Handle one message.
   * @param session what the chat remembers (NEW_SESSION for a new chat)
   * @returns the replies and the session to store for the next message
   */
  async handle(session: Session, input: Input): Promise<Handled> {
    const text = "text" in input ? input.text : input.choice;
    if (session.awaitingConsent) {
      const { awaitingConsent, ...rest } = session;
      if (/^(同意|我同意|agree|yes|是)$/i.test(text.trim())) return this.handle({ ...rest, consent: true }, { text: awaitingConsent });
      if (/^(不同意|拒绝|no|否|取消)$/i.test(text.trim()))
        return { session: rest, replies: [{ type: "text", text: "好的，不会收集您的个人信息。您仍可以直接提问。" }] };
    }
    if (this.options.requireConsent && !session.consent && !session.interview.dialog && isInterviewTrigger(text)) {
      return {
        session: { ...session, awaitingConsent: text.trim() },
        replies: [
          {
            type: "choices",
            text: PRIVACY_NOTICE,
            choices: [
              { label: "同意", value: "同意" },
              { label: "不同意", value: "不同意" },
            ],
          },
        ],
      };
    }
    const interview = session.interview;
    if (interview.dialog || interview.offered || isInterviewTrigger(text)) {
      const routed = await routeMessage(this.loaded(), interview, text, this.deps);
      if (routed) return { session: { ...session, interview: routed.session }, replies: routed.replies };
    }
    const turn = this.engine.ask(text, session.context);
    const { awaitingConsent: _dropped, ...rest } = session;
    return { session: { ...rest, context: turn.context, interview: NO_INTERVIEW }, replies: answerReplies(turn.answer) };
  }

  /**
   * Open a deep link from a notice: `/start p-<programId>` puts the program in
   * the context and offers its next steps as choices; `c-<programId>` starts
   * the self-check.
   * @returns null when the payload names no program (show the help instead)
   */
  async openLink(session: Session, payload: string): Promise<Handled | null> {
    const opened = openDeepLink(this.engine.kb, session, payload);
    if (!opened) return null;
    // c-<programId>: straight into the self-check (consent first where required), the program in context.
    return parseDeepLink(payload)?.intent === "check" ? this.handle(opened.session, { text: "资格自测" }) : opened;
  }

  /** The replies that pick a stored interview up again after a restart (empty when none runs). */
  resume(session: Session): Reply[] {
    return session.interview.dialog ? resumeSession(this.loaded(), session.interview) : [];
  }
}
