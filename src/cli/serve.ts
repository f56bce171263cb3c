/** `policybot serve`: validate the configuration, start the channels, stop cleanly on SIGTERM/SIGINT. */
import { ConfigError, readEnv } from "../config/env.js";
import { UsageError } from "./errors.js";

/** @returns exit code once the server has stopped */
export async function runServe(): Promise<number> {
  let running: Awaited<ReturnType<typeof import("../server/serve.js").serve>>;
  try {
    const { serve } = await import("../server/serve.js");
    running = await serve(readEnv());
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      void running.close().then(resolve);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  return 0;
}
