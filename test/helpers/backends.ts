/**
 * Test helpers shared by the backend tests (WebAssembly against JavaScript): running code on a
 * chosen krylov SIMD backend, comparing arrays bit for bit, and running a module script in a child
 * process with a given environment (for the switches read at load).
 */
import type { ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setSimd } from "../../packages/krylov/src/simd/backend.js";

/** The repository's root folder. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Runs `fn` with the SIMD backend on (for every length) or off, restoring the default after. */
export function withBackend<T>(simd: boolean, fn: () => T): T {
  setSimd(simd, 1);
  try {
    return fn();
  } finally {
    setSimd(true);
  }
}

/** Asserts that a (SIMD) and b (JavaScript) hold the same bits (−0 and NaN told apart by Object.is). */
export function sameArray(t: ExecutionContext, a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  t.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) {
      t.fail(`${what}[${i}]: ${a[i]} (SIMD) ≠ ${b[i]} (JavaScript)`);
      return;
    }
  }
  t.pass();
}

/** Runs the ES module `script` (TypeScript sources through tsx) in a child node with `env` added; asserts it exits 0 and returns its trimmed stdout. */
export function runModuleScript(t: ExecutionContext, script: string, env: Record<string, string>): string {
  const p = spawnSync(process.execPath, ["--conditions=source", "--import=tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    cwd: repoRoot,
  });
  t.is(p.status, 0, p.stderr);
  return p.stdout.trim();
}
