#!/usr/bin/env node
// Adds lock-file entries for optional platform packages (e.g. @biomejs/cli-win32-x64) that the
// registry mirror of our build machines does not serve. `npm install` there skips them and writes
// a lock file without them, which `npm ci` then rejects ("Missing: … from lock file"). Each stub
// carries the package's os/cpu/libc (from its name), so npm skips it on every other platform
// and never downloads it. Run after changing dependencies: `node scripts/lock-optional.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const packages = lock.packages;

/** os/cpu/libc of a platform package, read from its name. */
function platformOf(name) {
  const n = name.split("/").pop();
  const os = ["android", "darwin", "freebsd", "linux", "win32", "openbsd", "sunos", "aix"].find((o) => n.includes(o));
  const cpu = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64"].find((c) => new RegExp(`-${c}(?:-|$)`).test(n));
  if (!os || !cpu) return null;
  const out = { os: [os], cpu: [cpu] };
  if (os === "linux") out.libc = [n.includes("musl") ? "musl" : "glibc"];
  return out;
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key]) continue;
    const platform = platformOf(dep);
    if (!platform) {
      console.warn(`skip ${dep} (needed by ${path || "root"}): no platform in its name`);
      continue;
    }
    packages[key] = { version, optional: true, ...platform };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-optional: added ${added} optional platform entries`);
