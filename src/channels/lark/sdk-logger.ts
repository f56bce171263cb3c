/**
 * The SDK's logger, routed to the server's pino logger. The SDK logs request
 * configurations (with message contents) when a call fails, so only its own
 * string messages, error messages and Lark's `code`/`msg` are kept, shortened;
 * everything else in its objects is dropped.
 */
import type { Logger as SdkLogger } from "@larksuiteoapi/node-sdk";
import type { Logger } from "pino";

/** What may be logged of one SDK log argument: strings, error messages, Lark's code and msg. */
function safePart(a: unknown): string | null {
  if (typeof a === "string") return a;
  if (typeof a !== "object" || a === null) return null;
  const o = a as { message?: unknown; code?: unknown; msg?: unknown };
  if (typeof o.code === "number" && typeof o.msg === "string") return `code ${o.code} ${o.msg}`;
  return typeof o.message === "string" ? o.message : null;
}

const text = (args: unknown[]) =>
  args
    .flat(2)
    .map(safePart)
    .filter((p): p is string => p !== null)
    .join(" ")
    .slice(0, 200);

/**
 * An SDK logger writing to `log` with `{ channel: "lark", sdk: true }`; the
 * SDK's info level goes to debug (it announces every client it builds).
 */
export function sdkLogger(log: Logger): SdkLogger {
  const child = log.child({ channel: "lark", sdk: true });
  return {
    error: (...args: unknown[]) => child.error(text(args) || "sdk error"),
    warn: (...args: unknown[]) => child.warn(text(args) || "sdk warning"),
    info: (...args: unknown[]) => child.debug(text(args)),
    debug: (...args: unknown[]) => child.trace(text(args)),
    trace: (...args: unknown[]) => child.trace(text(args)),
  };
}
