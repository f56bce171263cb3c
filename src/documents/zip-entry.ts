/**
 * Reads one file out of a zip archive (a .docx) with fflate, the zip library
 * the `docx` package itself uses: enough to get `docProps/core.xml` for a Word
 * template's title.
 */
import { unzipSync } from "fflate";

/** The bytes of the entry `name` in the zip archive `zip`, or null when it has no such entry or cannot be read. */
export function readZipEntry(zip: Buffer, name: string): Buffer | null {
  try {
    const entry = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength), { filter: (f) => f.name === name })[name];
    return entry ? Buffer.from(entry) : null;
  } catch {
    return null;
  }
}
