/**
 * Helpers of the CLI tests: spawning `krylov`, the shared matrices folder, temporary folders,
 * and a small XML well-formedness check for the SVG plots.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** `<repo>/../shared/data/matrices`, where CI puts the shared matrices beside the clone. */
export const matrices = resolve(repoRoot, "..", "shared", "data", "matrices");

/** What a run of the command gave. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `krylov ARGS` in a child process: through the launcher `packages/cli/bin/krylov.js`
 * when `viaBin`, else `node --conditions=source --import=tsx packages/cli/src/main.ts`.
 */
export function krylov(args: readonly string[], options: { viaBin?: boolean; cwd?: string } = {}): Promise<Run> {
  const argv = options.viaBin === true
    ? [join(repoRoot, "packages/cli/bin/krylov.js"), ...args]
    : ["--conditions=source", "--import=tsx", join(repoRoot, "packages/cli/src/main.ts"), ...args];
  return new Promise((done) => {
    execFile(
      process.execPath,
      argv,
      { cwd: options.cwd ?? repoRoot, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: "0" } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A new empty temporary folder. */
export function tempDir(prefix = "krylov-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Throws unless `text` is well-formed XML: one root element, every tag closed in order,
 * attributes quoted and unique, entity references known or numeric. (Enough for the SVG that
 * vega writes; no DTDs, CDATA or processing instructions other than `<?xml …?>`.)
 */
export function checkXml(text: string): void {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`checkXml: ${what} at offset ${i}: ${JSON.stringify(text.slice(i, i + 60))}`);
  };
  const checkText = (s: string): void => {
    const bad = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(s);
    if (bad) fail("a bare '&'");
    if (s.includes("<")) fail("a bare '<'");
  };
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    checkText(chunk);
    if (stack.length === 0 && chunk.trim() !== "") fail("text outside the root element");
    if (lt < 0) break;
    i = lt;
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i);
      if (end < 0) fail("an unclosed comment");
      i = end + 3;
      continue;
    }
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) fail("an unclosed declaration");
      i = end + 2;
      continue;
    }
    const tag = /^<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(text.slice(i));
    if (tag === null) fail("a malformed tag");
    const [whole, closing, name, attrs, selfClosing] = tag as RegExpExecArray;
    const attrNames = [...(attrs ?? "").matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*("[^"]*"|'[^']*')/g)];
    const seen = new Set<string>();
    for (const a of attrNames) {
      if (seen.has(a[1] as string)) fail(`a repeated attribute '${a[1]}'`);
      seen.add(a[1] as string);
      checkText((a[2] as string).slice(1, -1));
    }
    if (closing === "/") {
      if (stack.pop() !== name) fail(`a closing tag </${name}> that does not match`);
    } else if (selfClosing !== "/") {
      if (stack.length === 0) roots++;
      stack.push(name as string);
    } else if (stack.length === 0) {
      roots++;
    }
    i += (whole as string).length;
  }
  if (stack.length > 0) throw new Error(`checkXml: unclosed <${stack.join("><")}>`);
  if (roots !== 1) throw new Error(`checkXml: ${roots} root elements`);
}
