/** Locations of the bundled data folders, resolved from the installed package. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Project root: the nearest folder above this module whose package.json is
 * policybot's (works from `src/cli`, `dist/src/cli` and the bundle in `dist/cli`).
 */
export const PROJECT_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "policybot") return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
})();

/** The knowledge base folder: `POLICYBOT_POLICIES` or the bundled `policies/`. */
export function policiesDir(): string {
  return process.env.POLICYBOT_POLICIES ?? join(PROJECT_ROOT, "policies");
}
