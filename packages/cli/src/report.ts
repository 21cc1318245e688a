/**
 * Writing a report folder whole or not at all. Every file is written into a fresh temporary
 * folder beside DIR (same parent, so on one file system a rename is atomic); only when all are
 * written is that folder swapped in: an existing DIR is renamed to a backup name beside it, the
 * temporary folder is renamed to DIR, and the backup is removed. If the second rename fails,
 * the backup is renamed back. DIR holds the old report or the new one, never a mix (between
 * the two renames it is briefly absent), and no temporary or backup folder is left behind,
 * except when renaming the backup back fails too: the error message then names the backup.
 *
 * An existing DIR is replaced only when it holds nothing but a report's own files
 * (`report.json`, `spectrum.svg`, `convergence.svg`); a DIR with any other entry (or with a
 * folder of one of those names) is refused with a `UsageError` and left untouched, so that a
 * user's other files are never deleted. The new report replaces the old one whole: a plot the
 * new command does not draw (`solve` has no spectrum) does not survive from the old report.
 *
 * SIGINT and SIGTERM are caught while the files are written: the temporary folder and the
 * parents created for it are removed, DIR is left as it was, and `writeReport` rejects with
 * `Interrupted` (the command then exits 128 + the signal's number, 130 or 143). Once the swap
 * has begun it runs to its end (two renames), so the folder is never left half-swapped.
 *
 * `checkOut` makes the same checks on DIR before a command computes anything.
 *
 * @module
 */
import { accessSync, constants, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, rmdirSync, statSync, chmodSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./args.js";
import { errorCode } from "./data.js";

/** A signal (SIGINT, SIGTERM) arrived while a report was written; nothing was left behind. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor(readonly signal: "SIGINT" | "SIGTERM") {
    super(`interrupted by ${signal}`);
  }
  /** The shell's exit code for a process ended by this signal: 128 + its number. */
  get exitCode(): number {
    return 128 + (this.signal === "SIGINT" ? 2 : 15);
  }
}

/** The files a report folder may hold: an existing DIR holding anything else is refused. */
export const reportFiles: readonly string[] = ["report.json", "spectrum.svg", "convergence.svg"];

/** The file-system calls that write and swap the folder, replaceable in tests to simulate a failure. */
export interface ReportFs {
  readonly writeFile: (path: string, text: string) => void | Promise<void>;
  readonly rename: (from: string, to: string) => void;
}

const nodeFs: ReportFs = { writeFile: (path, text) => writeFile(path, text), rename: renameSync };

/**
 * Refuses, before a command computes anything, a `--out DIR` that `writeReport` would refuse:
 * DIR exists and is not a folder, or holds files other than a report's; or the folder that
 * would hold DIR's temporary sibling (DIR's parent, or its nearest existing ancestor when
 * parents are to be created) is not a writable folder.
 *
 * @throws UsageError `krylov: cannot write the report into 'DIR' (…)`
 */
export function checkOut(dir: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`krylov: cannot write the report into '${dir}' (${why})`);
  };
  const old = existing(resolve(dir), fail);
  let ancestor = dirname(old?.path ?? resolve(dir));
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(ancestor).isDirectory();
    } catch (e) {
      const code = typeof e === "object" && e !== null && "code" in e ? e.code : undefined;
      if (code === "ENOENT" && dirname(ancestor) !== ancestor) {
        ancestor = dirname(ancestor);
        continue;
      }
      return fail(`'${ancestor}': ${errorCode(e)}`);
    }
    if (!isDir) fail(`'${ancestor}' is not a folder`);
    try {
      accessSync(ancestor, constants.W_OK | constants.X_OK);
    } catch (e) {
      fail(`'${ancestor}' is not writable: ${errorCode(e)}`);
    }
    return;
  }
}

/** Resolves after the event loop has polled once, so that a signal that arrived has been dispatched. */
async function pollOnce(): Promise<void> {
  await new Promise<void>((done) => setImmediate(done));
  await new Promise<void>((done) => setImmediate(done));
}

/**
 * Writes `files` (name → contents, names among `reportFiles`) as the folder `dir`, whole or
 * not at all (see the module comment); returns the folder's absolute path. The parent folders
 * are created if needed (and removed again on failure).
 *
 * @param fs - the write and rename calls (Node's by default; tests pass failing ones)
 * @throws UsageError when `dir` is not a folder, holds files other than a report's, or a write
 *   or rename fails (`krylov: cannot write the report into 'DIR' (…)`); `Interrupted` when
 *   SIGINT or SIGTERM arrived before the swap
 */
export async function writeReport(dir: string, files: ReadonlyMap<string, string>, fs: ReportFs = nodeFs): Promise<string> {
  let caught: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (signal: "SIGINT" | "SIGTERM"): void => {
    caught ??= signal;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await write(dir, files, fs, () => caught);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function write(
  dir: string,
  files: ReadonlyMap<string, string>,
  fs: ReportFs,
  signal: () => "SIGINT" | "SIGTERM" | undefined,
): Promise<string> {
  const fail = (why: string): never => {
    throw new UsageError(`krylov: cannot write the report into '${dir}' (${why})`);
  };
  for (const name of files.keys()) {
    if (!reportFiles.includes(name)) throw new Error(`writeReport: '${name}' is not one of ${reportFiles.join(", ")}`);
  }
  let root = resolve(dir);
  const old = existing(root, fail);
  if (old !== undefined) root = old.path;
  const parent = dirname(root);
  const base = basename(root);

  let createdParent: string | undefined;
  try {
    createdParent = mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new UsageError(`krylov: cannot create output folder '${dir}' (${errorCode(e)})`);
  }
  const undoParent = (): void => {
    if (createdParent !== undefined) rmSync(createdParent, { recursive: true, force: true });
  };

  const tmp = join(parent, `.${base}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
  try {
    mkdirSync(tmp);
    if (old !== undefined) chmodSync(tmp, old.mode);
    for (const [name, text] of files) {
      await fs.writeFile(join(tmp, name), text);
      await pollOnce();
      const s = signal();
      if (s !== undefined) throw new Interrupted(s);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    undoParent();
    if (e instanceof Interrupted) throw e;
    return fail(errorCode(e));
  }

  if (old === undefined) {
    try {
      fs.rename(tmp, root);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      undoParent();
      return fail(errorCode(e));
    }
    return root;
  }

  const backup = join(parent, `.${base}.old-${process.pid}-${randomBytes(6).toString("hex")}`);
  try {
    fs.rename(root, backup);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    return fail(errorCode(e));
  }
  try {
    fs.rename(tmp, root);
  } catch (e) {
    let restored = true;
    try {
      fs.rename(backup, root);
    } catch {
      restored = false;
    }
    rmSync(tmp, { recursive: true, force: true });
    return fail(restored ? errorCode(e) : `${errorCode(e)}; the old report is kept in '${backup}'`);
  }
  // The backup holds only a report's files (checked above): remove those, then the folder.
  for (const name of reportFiles) rmSync(join(backup, name), { force: true });
  try {
    rmdirSync(backup);
  } catch {
    // a file appeared in the old folder during the swap: keep it rather than delete it
  }
  return root;
}

/**
 * The existing folder at `root` (its real path and permission bits), or `undefined` when
 * nothing is there; refuses a non-folder and a folder holding anything but a report's files.
 */
function existing(root: string, fail: (why: string) => never): { path: string; mode: number } | undefined {
  try {
    lstatSync(root);
  } catch (e) {
    // Nothing there (ENOTDIR: a parent is a file, which creating the parents reports).
    if (typeof e === "object" && e !== null && "code" in e && (e.code === "ENOENT" || e.code === "ENOTDIR")) return undefined;
    return fail(errorCode(e));
  }
  let path: string;
  let entries: string[];
  try {
    path = realpathSync(root);
    if (!statSync(path).isDirectory()) return fail("it exists and is not a folder");
    entries = readdirSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return fail(errorCode(e));
  }
  const foreign = entries.filter((name) => !reportFiles.includes(name) || !lstatSync(join(path, name)).isFile()).sort();
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? `, … ${foreign.length - 3} more` : "");
    fail(`it holds files other than a report's: ${shown}; --out replaces a folder only when it is new, empty or holds just ${reportFiles.join(", ")}`);
  }
  return { path, mode: statSync(path).mode & 0o7777 };
}
