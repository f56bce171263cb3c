#!/usr/bin/env node
// Entry point of the `policybot` CLI: the bundled build in dist/cli/ (made by `npm ci` via `prepare`).
import("../dist/cli/main.js").catch((err) => {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/cli/main.js")) {
    process.stderr.write("policybot: 未找到编译产物，请先运行 npm run build / not built: run `npm run build`\n");
    process.exit(1);
  }
  throw err;
});
