import { defineConfig } from "vitest/config";

/**
 * Tests that start several processes and check platform rate limits from the arrival times their fake servers
 * record. They run after everything else, one file at a time, so the machine's other test files cannot delay
 * those stamps (a busy event loop stamps a backlog of requests at once).
 */
const PROCESS_TESTS = ["tests/broadcast/crash.test.ts", "tests/broadcast/redis-*.test.ts", "tests/channels/instances.test.ts"];

// Tests import the TypeScript sources directly (`../../src/x.js` resolves to `src/x.ts`).
const common = {
  testTimeout: 30000,
  hookTimeout: 60000,
  environment: "node" as const,
  globalSetup: ["tests/helpers/global-setup.ts"],
};

export default defineConfig({
  test: {
    projects: [
      {
        test: { ...common, name: "unit", include: ["tests/**/*.test.ts"], exclude: PROCESS_TESTS, sequence: { groupOrder: 0 } },
      },
      {
        test: { ...common, name: "processes", include: PROCESS_TESTS, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
