/**
 * Deep links into the assistant: a notice posted to a group links a program as
 * `https://t.me/<bot>?start=p-<programId>` (ask about it) or `c-<programId>`
 * (资格自测 for it) — Telegram's /start payload: up to 64 characters of
 * `A-Z a-z 0-9 _ -`, https://core.telegram.org/bots/features#deep-linking.
 * Opening `p-` puts that program in the chat's context and offers the next
 * steps as choices; `c-` does the same and starts the self-check (see
 * `Conversation.openLink`).
 */
import type { ChatContext } from "../answer/types.js";
import type { InterviewSession } from "../dialog/router.js";
import type { Reply } from "../dialog/types.js";
import type { KnowledgeBase } from "../kb/load.js";

/** What a payload asks for, and the program. */
export interface DeepLink {
  intent: "ask" | "check";
  programId: string;
}

/** The payload's intent and program, or null when it is not one of ours. */
export function parseDeepLink(payload: string): DeepLink | null {
  const m = /^([pc])-([a-z0-9-]{1,62})$/.exec(payload.trim());
  if (!m?.[1] || !m[2]) return null;
  return { intent: m[1] === "p" ? "ask" : "check", programId: m[2] };
}

/**
 * Open a deep link.
 * @param payload the /start payload (`p-<programId>` or `c-<programId>`; both open the program here)
 * @returns the session with the program in context and the replies, or null when the payload names no program
 */
export function openDeepLink<S extends { context: ChatContext; interview: InterviewSession }>(
  kb: KnowledgeBase,
  session: S,
  payload: string,
): { session: S; replies: Reply[] } | null {
  const link = parseDeepLink(payload);
  const hit = link && kb.programs.find((p) => p.program.id === link.programId);
  if (!hit) return null;
  const { program, document } = hit;
  const doc = document.doc;
  const source = `《${doc.title}》${doc.docNumber ? `（${doc.docNumber}）` : ""}`;
  const choices = [
    ...(program.criteria.length > 0 ? [{ label: "申报条件", value: "申报条件是什么？" }] : []),
    ...(program.funding.length > 0 ? [{ label: "经费资助", value: "有什么经费资助？" }] : []),
    ...(program.procedure.length > 0 ? [{ label: "申报程序", value: "怎么申报？" }] : []),
    ...(program.criteria.length > 0 ? [{ label: "资格自测", value: "资格自测" }] : []),
  ];
  const context: ChatContext = { documents: [doc.id], programs: [program.id], domains: [], tiers: [], intent: null };
  return {
    session: { ...session, context, interview: { dialog: null, offered: null } },
    replies: [
      {
        type: "choices",
        text: `您好！关于“${program.title}”（依据${source}），想了解什么？也可以直接提问。`,
        choices,
      },
    ],
  };
}
