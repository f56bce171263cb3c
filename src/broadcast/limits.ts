/**
 * The platforms' sending limits, as configuration with the official defaults.
 *
 * Telegram (Bot FAQ, "My bot is hitting limits, how do I avoid this?",
 * https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * avoid more than one message per second in one chat; in a group, no more than
 * 20 messages per minute; bulk notifications no faster than about 30 messages
 * per second overall.
 *
 * Feishu/Lark (im/v1/messages create,
 * https://open.feishu.cn/document/server-docs/im-v1/message/create): 1,000
 * calls per minute and 50 per second per app; 5 QPS per group (shared by the
 * bots in it). Over a limit the answer is HTTP 429 / code 99991400.
 *
 * Override with `BROADCAST_TELEGRAM_LIMITS` / `BROADCAST_LARK_LIMITS`: rules
 * separated by `;` or `,`, each `<scope>:<max>/<window>` with scope `global`
 * (the bot/app) or `chat` (one group) and window `<n>ms|s|min`, e.g.
 * `global:30/1s;chat:1/1s;chat:20/1min`; `off` lifts every limit (benchmarks).
 */

/** One rule: at most `max` messages in any window of `windowMs` milliseconds, for the bot or for each chat. */
export interface LimitRule {
  scope: "global" | "chat";
  max: number;
  windowMs: number;
}

/** Telegram's defaults (Bot FAQ). */
export const TELEGRAM_LIMITS: readonly LimitRule[] = [
  { scope: "global", max: 30, windowMs: 1000 },
  { scope: "chat", max: 1, windowMs: 1000 },
  { scope: "chat", max: 20, windowMs: 60_000 },
];

/** Feishu/Lark's defaults (im/v1/messages). */
export const LARK_LIMITS: readonly LimitRule[] = [
  { scope: "global", max: 50, windowMs: 1000 },
  { scope: "global", max: 1000, windowMs: 60_000 },
  { scope: "chat", max: 5, windowMs: 1000 },
];

/** A limits value that cannot be parsed. */
export class LimitsError extends Error {
  override name = "LimitsError";
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000 };

/**
 * Parse a limits value (see the module comment).
 * @throws LimitsError naming the bad rule
 */
export function parseLimits(value: string): LimitRule[] {
  if (value.trim() === "off") return [];
  return value
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((rule) => {
      const m = /^(global|chat):(\d+)\/(\d*(?:\.\d+)?)(ms|s|min)$/.exec(rule.replace(/\s+/g, ""));
      const max = Number(m?.[2]);
      const windowMs = Number(m?.[3] || 1) * (UNIT_MS[m?.[4] ?? ""] ?? Number.NaN);
      if (!m || !(max > 0) || !(windowMs > 0))
        throw new LimitsError(`限额格式不对 / bad limit "${rule}"（例如 global:30/1s;chat:1/1s;chat:20/1min）`);
      return { scope: m[1] as LimitRule["scope"], max, windowMs };
    });
}

/** Settings of the delivery engine that the environment may change. */
export interface BroadcastSettings {
  telegramLimits: LimitRule[];
  larkLimits: LimitRule[];
  /**
   * Most sends in flight at once per channel (`BROADCAST_MAX_IN_FLIGHT`,
   * default 4): on Telegram, only these can be repeated after a crash.
   */
  maxInFlight: number;
  /**
   * Safety margin of the limiter (`BROADCAST_LIMIT_MARGIN`, default 0.03):
   * every window is kept this fraction longer, so jitter between our clock and
   * the platform's arrival times never makes a window look over the limit.
   */
  margin: number;
  /** Attempts per message for 5xx/network errors before the row fails (`BROADCAST_MAX_ATTEMPTS`, default 6). */
  maxAttempts: number;
  /** First backoff after a 5xx or network error, doubled each time (`BROADCAST_BACKOFF_MS`, default 1000). */
  backoffMs: number;
}

/**
 * The settings from the environment (defaults: the official limits).
 * @throws LimitsError for a malformed value
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): BroadcastSettings {
  const num = (name: string, def: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return def;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min) throw new LimitsError(`${name} 须为 ≥ ${min} 的数字 / must be a number ≥ ${min}`);
    return v;
  };
  return {
    telegramLimits: env.BROADCAST_TELEGRAM_LIMITS ? parseLimits(env.BROADCAST_TELEGRAM_LIMITS) : [...TELEGRAM_LIMITS],
    larkLimits: env.BROADCAST_LARK_LIMITS ? parseLimits(env.BROADCAST_LARK_LIMITS) : [...LARK_LIMITS],
    maxInFlight: Math.floor(num("BROADCAST_MAX_IN_FLIGHT", 4, 1)),
    margin: num("BROADCAST_LIMIT_MARGIN", 0.03, 0),
    maxAttempts: Math.floor(num("BROADCAST_MAX_ATTEMPTS", 6, 1)),
    backoffMs: num("BROADCAST_BACKOFF_MS", 1000, 0),
  };
}
