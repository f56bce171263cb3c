/**
 * Configuration of `policybot serve` from the environment (and `.env`),
 * validated with zod at start. Variable names are a public contract (issue #4).
 * A missing or malformed value stops start-up with one line that names it.
 */
import { existsSync } from "node:fs";
import { z } from "zod";

const url = (name: string) => z.string().url(`${name} 须为 URL / ${name} must be a URL`);

/** The environment variables policybot reads. */
export const Env = z
  .object({
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[\w-]{20,}$/, "TELEGRAM_BOT_TOKEN 格式不对（应为 123456:ABC…）/ TELEGRAM_BOT_TOKEN is malformed")
      .optional(),
    TELEGRAM_API_ROOT: url("TELEGRAM_API_ROOT").default("https://api.telegram.org"),
    TELEGRAM_MODE: z
      .enum(["polling", "webhook"], { error: "TELEGRAM_MODE 须为 polling 或 webhook / must be polling or webhook" })
      .default("polling"),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "TELEGRAM_WEBHOOK_SECRET 只能含字母数字、_ 和 - / only A-Z a-z 0-9 _ -")
      .optional(),
    LARK_APP_ID: z.string().min(1).optional(),
    LARK_APP_SECRET: z.string().min(1).optional(),
    LARK_DOMAIN: z
      .string()
      .refine(
        (v) => v === "feishu" || v === "lark" || /^https?:\/\//.test(v),
        "LARK_DOMAIN 须为 feishu、lark 或 URL / must be feishu, lark or a URL",
      )
      .default("feishu"),
    LARK_MODE: z.enum(["ws", "webhook"], { error: "LARK_MODE 须为 ws 或 webhook / must be ws or webhook" }).default("ws"),
    LARK_ENCRYPT_KEY: z.string().min(1).optional(),
    LARK_VERIFICATION_TOKEN: z.string().min(1).optional(),
    PORT: z.coerce.number({ error: "PORT 须为数字 / PORT must be a number" }).int().min(0).max(65535).default(8080),
    STORAGE_URL: z.string().optional(),
    ADMIN_IDS: z
      .string()
      .default("")
      .transform((s) => s.split(/[,\s]+/).filter(Boolean)),
    SESSION_TTL_DAYS: z.coerce.number({ error: "SESSION_TTL_DAYS 须为数字 / must be a number" }).positive().default(30),
    DOCUMENT_TTL_HOURS: z.coerce.number({ error: "DOCUMENT_TTL_HOURS 须为数字 / must be a number" }).positive().default(24),
  })
  .superRefine((e, ctx) => {
    if (e.TELEGRAM_MODE === "webhook" && e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_SECRET"],
        message: "webhook 模式需要 TELEGRAM_WEBHOOK_SECRET / required in webhook mode",
      });
    }
    if (Boolean(e.LARK_APP_ID) !== Boolean(e.LARK_APP_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [e.LARK_APP_ID ? "LARK_APP_SECRET" : "LARK_APP_ID"],
        message: "LARK_APP_ID 与 LARK_APP_SECRET 须同时设置 / set both",
      });
    }
    if (e.LARK_APP_ID && e.LARK_MODE === "webhook" && !e.LARK_VERIFICATION_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_VERIFICATION_TOKEN"],
        message: "webhook 模式需要 LARK_VERIFICATION_TOKEN / required in webhook mode",
      });
    }
  });
export type Env = z.infer<typeof Env>;

/** Thrown with one line naming the variable that is wrong. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Read the configuration: `.env` in the working directory first (values already
 * in the environment win), then validate.
 * @throws ConfigError naming the first bad variable
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env, envFile = ".env"): Env {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = Env.safeParse(blanksRemoved);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ConfigError(`${first?.path.join(".") ?? "?"}: ${first?.message ?? "invalid"}`);
  }
  return r.data;
}

/** The channels a configuration enables. */
export function channelsOf(env: Env): ("telegram" | "lark")[] {
  return [...(env.TELEGRAM_BOT_TOKEN ? (["telegram"] as const) : []), ...(env.LARK_APP_ID ? (["lark"] as const) : [])];
}
