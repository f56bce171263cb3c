#!/usr/bin/env node
// Bundles the CLI into dist/cli/ with esbuild (one file per lazily loaded command, shared chunks),
// so a cold `policybot ask` reads a few files instead of hundreds of small modules (zod alone is
// ~100 files). Native and lazily required packages stay external and load from node_modules.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist/cli", { recursive: true, force: true });

await build({
  entryPoints: { main: "src/cli/main.ts" },
  outdir: "dist/cli",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: [
    "@node-rs/jieba",
    "yaml",
    "opencc-js",
    "pino",
    "grammy",
    "@grammyjs/auto-retry",
    "ioredis",
    "bullmq",
    "libsql",
    "@larksuiteoapi/node-sdk",
  ],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
});
