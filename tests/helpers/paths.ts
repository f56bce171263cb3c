/** Locations used by the tests. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (`/work/main`). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The bundled knowledge base. */
export const POLICIES = join(ROOT, "policies");
/** Fixture folders. */
export const FIXTURES = join(ROOT, "tests", "fixtures");
/** The CLI entry point. */
export const CLI = join(ROOT, "bin", "policybot.js");
