/**
 * One public switch for every WebAssembly kernel, and an honest report where WebAssembly cannot
 * compile: `setKernelBackend('js')` turns the CSR products and the Krylov solvers' vector kernels
 * to JavaScript with the matrix products; a runtime that validates the modules but refuses to
 * compile them (a strict Content-Security-Policy) reports every backend unavailable, never
 * retries the compile, and still solves.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { availableKernelBackends, csr, kernelBackend, setKernelBackend, vec } from "@krylov-ts/operators";
import { cg } from "@krylov-ts/krylov";
import { simdEnabled } from "../../packages/krylov/src/simd/backend.ts";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

function diagonalCsr(n: number) {
  const index = Int32Array.from({ length: n }, (_, i) => i);
  return csr(index, index, Float64Array.from({ length: n }, (_, i) => 1 + i), [n, n]);
}

test.serial("setKernelBackend('js') runs the CSR products and the solvers' kernels in JavaScript too, with the same results", (t) => {
  const initial = kernelBackend();
  t.true(availableKernelBackends().includes("simd"), "this runtime has WebAssembly SIMD");
  const b = vec(new Float64Array(4096).fill(1));
  const wasm = diagonalCsr(4096);
  t.is(wasm.backend, "wasm");
  t.true(simdEnabled());
  const withWasm = cg(wasm, b, { rtol: 1e-12 });
  try {
    setKernelBackend("js");
    t.is(kernelBackend(), "js");
    t.false(simdEnabled());
    const plain = diagonalCsr(4096);
    t.is(plain.backend, "js");
    t.is(wasm.backend, "js", "a matrix placed before the switch runs in JavaScript too");
    const withJs = cg(plain, b, { rtol: 1e-12 });
    t.deepEqual(Array.from(withJs.x.data), Array.from(withWasm.x.data));
  } finally {
    setKernelBackend(initial);
  }
  t.is(wasm.backend, "wasm");
  t.true(simdEnabled());
});

test("where WebAssembly validates but cannot compile, every backend is reported unavailable, compiled once, and solves still run", async (t) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=source", "--import=tsx", join(root, "test/fixtures/no-wasm-compile.ts")],
    { cwd: root },
  );
  const r = JSON.parse(stdout.trim().split("\n").at(-1) as string) as Record<string, unknown>;
  t.is(r.kernelBackend, "js");
  t.deepEqual(r.available, ["js"]);
  t.false(r.csrSupported);
  t.is(r.csrBackend, "js");
  t.false(r.simdSupported);
  t.false(r.simdEnabled);
  t.deepEqual(r.solves, ["converged", "converged", "converged"]);
  t.deepEqual((r.top as number[]).map((v) => Math.round(v)), [1998, 1999]);
  // Each module tried once, at load; none again for the three solves and the eigenvalues.
  t.is(r.attemptsAfterSolves, r.attemptsAtLoad);
});
