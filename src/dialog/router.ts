/**
 * Routing a chat channel's messages into interviews: 资格自测 (/check) starts
 * the self-check, 申报表 (/apply) offers the application interviews as choices,
 * and while an interview runs every message goes to it. Anything else is left
 * to the Q&A engine (`handle` returns null). The session is plain JSON, like
 * the interview state, so a channel can store it between messages.
 */
import { resume, start, step } from "./engine.js";
import { matchOption } from "./parse.js";
import type { Interview } from "./schema.js";
import type { DialogDeps, DialogState, Reply } from "./types.js";

/** What a chat remembers about interviews between messages. */
export interface InterviewSession {
  /** The running interview's state (its `interview` field is the interview id). */
  dialog: DialogState | null;
  /** Application interview ids offered after 申报表, waiting for a pick. */
  offered: string[] | null;
}

/** A session with no interview running. */
export const NO_INTERVIEW: InterviewSession = { dialog: null, offered: null };

const CHECK = /^(资格自测|自测|\/check)$/i;
const APPLY = /^(申报表|填申报表|\/apply)$/i;

/** True for the messages that start an interview (资格自测, 申报表, /check, /apply). */
export function isInterviewTrigger(text: string): boolean {
  return CHECK.test(text.trim()) || APPLY.test(text.trim());
}

/** The result of one routed message. */
export interface Routed {
  session: InterviewSession;
  replies: Reply[];
}

/**
 * Route one message.
 * @param interviews loaded interviews by id (`self-check` and the application ones)
 * @returns the new session and the replies, or null when the message is not for an interview
 */
export async function routeMessage(
  interviews: Map<string, Interview>,
  session: InterviewSession,
  text: string,
  deps: DialogDeps,
): Promise<Routed | null> {
  const t = text.trim();
  if (session.dialog) {
    const interview = interviews.get(session.dialog.interview);
    if (!interview) return { session: NO_INTERVIEW, replies: [{ type: "text", text: "访谈已失效，请重新开始。" }] };
    const turn = await step(interview, session.dialog, { text }, deps);
    const over = turn.state.phase === "done" || turn.state.phase === "cancelled";
    return { session: { dialog: over ? null : turn.state, offered: null }, replies: turn.replies };
  }
  if (session.offered) {
    const options = session.offered.map((id) => ({ label: interviews.get(id)?.title ?? id, value: id }));
    const picked = matchOption(options, t);
    if (picked) return begin(interviews, String(picked.value), deps);
    if (/^(取消|退出|cancel)$/i.test(t)) return { session: NO_INTERVIEW, replies: [{ type: "text", text: "好的，已取消。" }] };
  }
  if (CHECK.test(t)) return begin(interviews, "self-check", deps);
  if (APPLY.test(t)) {
    const apps = [...interviews.values()].filter((i) => i.kind === "application");
    return {
      session: { dialog: null, offered: apps.map((i) => i.id) },
      replies: [
        {
          type: "choices",
          text: "请选择要填写的表格（回复序号）：",
          choices: apps.map((i) => ({ label: i.title, value: i.id })),
        },
      ],
    };
  }
  return null;
}

async function begin(interviews: Map<string, Interview>, id: string, deps: DialogDeps): Promise<Routed> {
  const interview = interviews.get(id);
  if (!interview) return { session: NO_INTERVIEW, replies: [{ type: "text", text: `没有找到访谈 ${id}。` }] };
  const turn = await start(interview, deps);
  return { session: { dialog: turn.state, offered: null }, replies: turn.replies };
}

/** The replies that pick up a stored session (after a restart of the channel). */
export function resumeSession(interviews: Map<string, Interview>, session: InterviewSession): Reply[] {
  const interview = session.dialog ? interviews.get(session.dialog.interview) : undefined;
  return interview && session.dialog ? resume(interview, session.dialog).replies : [];
}
