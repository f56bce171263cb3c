/**
 * Channel-agnostic types of the interview engine: what the user sends, what
 * the engine replies, and the plain-JSON state a channel keeps between turns.
 */
import { z } from "zod";
import type { EligibilityResult } from "../rules/evaluate.js";
import { AnswerValue } from "./schema.js";

/** One user message: typed text, or a choice picked from buttons (its value). */
export type DialogInput = { text: string } | { choice: string };

/** A choice as channels show it (button, numbered line). */
export interface ReplyChoice {
  label: string;
  value: string;
}

/** One engine reply. Channels render `choices` as buttons or a numbered list. */
export type Reply =
  | { type: "text"; text: string }
  | { type: "choices"; text: string; choices: ReplyChoice[] }
  | { type: "document"; fileName: string; data: Uint8Array; templateId: string };

/** Where an interview is: asking questions, waiting for 确认 (applications), or over. */
export const Phase = z.enum(["asking", "confirm", "done", "cancelled"]);
export type Phase = z.infer<typeof Phase>;

/**
 * The whole interview state as plain JSON: store it anywhere (file, database,
 * chat session) and pass it back to `step` — a restarted process resumes at
 * the same question. `answers` maps question ids to values (`null`: skipped).
 */
export const DialogState = z.object({
  version: z.literal(1),
  interview: z.string().min(1),
  phase: Phase,
  answers: z.record(z.string(), AnswerValue.nullable()),
  /** Question ids in the order they were first answered (for 上一步). */
  history: z.array(z.string()),
  /** The question waiting for an answer (null while confirming or when over). */
  pending: z.string().nullable(),
});
export type DialogState = z.infer<typeof DialogState>;

/** The result of `start` and `step`: the new state and what to show. */
export interface Turn {
  state: DialogState;
  replies: Reply[];
}

/**
 * What the engine needs from outside, injected so tests run without the
 * knowledge base or docx: the date, eligibility, and document rendering.
 */
export interface DialogDeps {
  /** Today (ISO), for id numbers, dates and the report. */
  asOf: string;
  /** Evaluate every program for a profile, best first (self-check only). */
  evaluate?: (profile: Record<string, unknown>) => EligibilityResult[];
  /** Render a template with data to .docx bytes. */
  render?: (templateId: string, data: Record<string, unknown>) => Promise<Uint8Array>;
}
