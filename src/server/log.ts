/**
 * The server's JSON logger (pino). Logs never carry personal information
 * (个人信息保护法): channels log ids, counts and error names, never message
 * texts; as a second line of defence every logged string — the message and
 * every value of the logged object, at any depth — has 居民身份证号 (18 digits,
 * GB 11643, last one 0–9/X) and mainland mobile numbers (1[3-9] + 9 digits)
 * masked before it is written.
 */
import { type DestinationStream, type Logger, pino } from "pino";

const ID_NUMBER = /(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])/g;
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])/g;

/**
 * Mask ID and phone numbers in a text: `410105198506011234` → `410***********1234`,
 * `13812345678` → `138****5678`.
 */
export function maskPersonalNumbers(text: string): string {
  return text
    .replace(ID_NUMBER, (m) => `${m.slice(0, 3)}${"*".repeat(11)}${m.slice(-4)}`)
    .replace(MOBILE, (m) => `${m.slice(0, -8)}****${m.slice(-4)}`);
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskPersonalNumbers(value);
  if (typeof value === "number" && Number.isInteger(value) && value > 1e10) return maskPersonalNumbers(String(value));
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/**
 * A pino logger whose output is scrubbed of ID and phone numbers.
 * @param destination where JSON lines go (default stdout); tests pass a stream
 * @param level pino level (default `info`, or LOG_LEVEL)
 */
export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino(
    {
      name: "policybot",
      level,
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? maskPersonalNumbers(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
