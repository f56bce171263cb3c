/** The answer contract of `policybot ask --json` (issue #2, §5). Keep it stable. */

export type AnswerStatus = "answered" | "clarify" | "no_answer";

export interface Citation {
  /** Document title. */
  document: string;
  docNumber: string | null;
  /** Clause label, e.g. `第六条` or `卫生领域实施细则 三、选拔条件 2`. */
  clause: string;
  /** The clause text, verbatim. */
  text: string;
}

/** A choice offered with a `clarify` answer (chat channels render it as a button). */
export interface Choice {
  label: string;
  /** Program or document id. */
  value: string;
}

export interface Answer {
  status: AnswerStatus;
  answer: string;
  citations: Citation[];
  intent: string | null;
  programs: { id: string; title: string }[];
  /** 0–1. */
  confidence: number;
  /** Present with `clarify`. */
  choices?: Choice[];
}

/** What a chat remembers between turns (plain data, serialisable). */
export interface ChatContext {
  documents: string[];
  programs: string[];
  domains: string[];
  tiers: string[];
  intent: string | null;
  /** The question that got a `clarify` reply, re-asked once the user chooses. */
  pending?: { question: string; choices: Choice[] };
}

export const EMPTY_CONTEXT: ChatContext = { documents: [], programs: [], domains: [], tiers: [], intent: null };

/** The result of one turn: the answer and what the chat remembers next. */
export interface Turn {
  answer: Answer;
  context: ChatContext;
}
