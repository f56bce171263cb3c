import { defineConfig } from "vitest/config";

// Tests import the TypeScript sources directly (`../../src/x.js` resolves to `src/x.ts`).
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30000,
    hookTimeout: 60000,
    environment: "node",
    globalSetup: ["tests/helpers/global-setup.ts"],
  },
});
