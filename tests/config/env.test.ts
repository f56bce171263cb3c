/** Start-up configuration: defaults, validation with one line naming the variable, channels. */
import { describe, expect, it } from "vitest";
import { ConfigError, channelsOf, readEnv } from "../../src/config/env.js";

const TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwx";

describe("readEnv", () => {
  it("fills the documented defaults", () => {
    const env = readEnv({});
    expect(env).toMatchObject({ TELEGRAM_API_ROOT: "https://api.telegram.org", TELEGRAM_MODE: "polling", LARK_MODE: "ws", PORT: 8080 });
    expect(env.ADMIN_IDS).toEqual([]);
    expect(channelsOf(env)).toEqual([]);
  });
  it("reads channels, ports and admin lists", () => {
    const env = readEnv({ TELEGRAM_BOT_TOKEN: TOKEN, LARK_APP_ID: "cli_a", LARK_APP_SECRET: "s", PORT: "9000", ADMIN_IDS: "1, 2 3" });
    expect(channelsOf(env)).toEqual(["telegram", "lark"]);
    expect(env.PORT).toBe(9000);
    expect(env.ADMIN_IDS).toEqual(["1", "2", "3"]);
  });
  it.each([
    [{ TELEGRAM_BOT_TOKEN: "not-a-token" }, "TELEGRAM_BOT_TOKEN"],
    [{ TELEGRAM_MODE: "push" }, "TELEGRAM_MODE"],
    [{ PORT: "eighty" }, "PORT"],
    [{ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook" }, "TELEGRAM_WEBHOOK_SECRET"],
    [{ LARK_APP_ID: "cli_a" }, "LARK_APP_SECRET"],
    [{ LARK_DOMAIN: "example" }, "LARK_DOMAIN"],
  ])("%j stops start-up with one line naming %s", (env, name) => {
    expect(() => readEnv(env)).toThrow(ConfigError);
    try {
      readEnv(env);
    } catch (e) {
      expect((e as Error).message.startsWith(`${name}:`)).toBe(true);
      expect((e as Error).message).not.toContain("\n");
    }
  });
  it("treats empty values as unset (a copied .env.example)", () => {
    expect(channelsOf(readEnv({ TELEGRAM_BOT_TOKEN: "", LARK_APP_ID: "" }))).toEqual([]);
  });
});
