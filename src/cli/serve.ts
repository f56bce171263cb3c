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
  const failure = await new Promise<Error | null>((resolve) => {
    const stop = () => {
      void running.close().then(() => resolve(null));
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    void running.failed.then(resolve);
  });
  if (failure) {
    process.stderr.write(`policybot serve: ${failure.message}\n`);
    return 1;
  }
  return 0;
}
