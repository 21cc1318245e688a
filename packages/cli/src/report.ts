/**
 * Writing a report folder without ever leaving partial output: every file is first written
 * under a temporary name in the folder, and only when all are written are they renamed to
 * their final names. On any error the temporary files are removed (and the folder too, when
 * this call created it).
 *
 * @module
 */
import { mkdirSync, renameSync, rmSync, rmdirSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "./args.js";
import { errorCode } from "./data.js";

/** Writes `files` (name → contents) into `dir`; returns the folder's absolute path. */
export function writeReport(dir: string, files: ReadonlyMap<string, string>): string {
  const root = resolve(dir);
  const created = !existsSync(root);
  try {
    mkdirSync(root, { recursive: true });
  } catch (e) {
    throw new UsageError(`krylov: cannot create output folder '${dir}' (${errorCode(e)})`);
  }
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  const written: string[] = [];
  try {
    for (const [name, text] of files) {
      const tmp = join(root, `.${name}${tag}`);
      writeFileSync(tmp, text);
      written.push(tmp);
    }
    for (const [name] of files) renameSync(join(root, `.${name}${tag}`), join(root, name));
  } catch (e) {
    for (const tmp of written) rmSync(tmp, { force: true });
    if (created) {
      try {
        rmdirSync(root);
      } catch {
        // the folder holds someone else's files: leave it
      }
    }
    throw new UsageError(`krylov: cannot write the report into '${dir}' (${errorCode(e)})`);
  }
  return root;
}
