/**
 * The SDK's logger, routed to the server's pino logger. The SDK logs request
 * configurations (with message contents) when a call fails, so only its own
 * string messages are kept, shortened; objects are dropped.
 */
import type { Logger as SdkLogger } from "@larksuiteoapi/node-sdk";
import type { Logger } from "pino";

const text = (args: unknown[]) =>
  args
    .flat()
    .filter((a): a is string => typeof a === "string")
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
