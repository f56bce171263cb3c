/**
 * Interactive message cards (msg_type `interactive`, card JSON 1.0:
 * https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-components/interactive-components/button).
 * A choice question becomes a card with one button per choice; a button's
 * `value` carries only the choice's index and the id of the set it belongs
 * to — the values themselves stay server-side in the session entry.
 */
import type { ReplyChoice } from "../../dialog/types.js";

/** What a button sends back in `action.value`. */
export interface ButtonValue {
  /** Index into the stored choices. */
  i: number;
  /** Id of the stored choice set (a stale card's buttons no longer match). */
  s: string;
}

/** A card JSON object, as sent in `content` and returned from a callback. */
export type Card = Record<string, unknown>;

const plain = (content: string) => ({ tag: "plain_text", content });

/**
 * The card of a choice question.
 * @param text the question
 * @param choices the options, in order (labels shown, values not sent)
 * @param setId identifies this set of choices in the session entry
 */
export function choicesCard(text: string, choices: ReplyChoice[], setId: string): Card {
  return {
    config: { wide_screen_mode: true, update_multi: true },
    elements: [
      { tag: "div", text: plain(text) },
      {
        tag: "action",
        layout: "flow",
        actions: choices.map((c, i) => ({
          tag: "button",
          text: plain(c.label.slice(0, 100)),
          type: i === 0 ? "primary" : "default",
          value: { i, s: setId } satisfies ButtonValue,
        })),
      },
    ],
  };
}

/**
 * The same card once answered: the question and the chosen label, without
 * buttons (returned from the callback, so the card cannot be pressed twice).
 */
export function answeredCard(text: string, label: string): Card {
  return {
    config: { wide_screen_mode: true, update_multi: true },
    elements: [
      { tag: "div", text: plain(text) },
      { tag: "note", elements: [plain(`已选择：${label}`)] },
    ],
  };
}

/**
 * Read a pressed button's value.
 * @returns the index and set id, or null when the value is not one of ours
 */
export function buttonValueOf(value: unknown): ButtonValue | null {
  // Legacy callbacks may deliver the value as a JSON string.
  const v: unknown = typeof value === "string" ? safeParse(value) : value;
  if (typeof v !== "object" || v === null) return null;
  const { i, s } = v as Record<string, unknown>;
  const index = typeof i === "string" ? Number(i) : i;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || typeof s !== "string") return null;
  return { i: index, s };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
