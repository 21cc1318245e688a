/**
 * The demo page in headless Chromium (Debian's `chromium`, driven by playwright-core): it is built
 * and served with a strict Content-Security-Policy and cross-origin isolation, loads without a
 * console error, trains a network and analyses its Hessian in its worker, with the numbers the
 * same computation gives in Node, and analyses a Matrix Market matrix whose eigenvalues are known.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { analyseHessian } from "../../packages/web/src/analysis.ts";
import { defaultRequest, type HessianResult, type MatrixResult } from "../../packages/web/src/protocol.ts";
// @ts-expect-error -- a plain ES module without declarations (the page's static server)
import { serve } from "../../packages/web/serve.mjs";

// The page's globals, as far as the callbacks evaluated in it use them (the tests compile without the DOM library).
declare const document: { body: { dataset: Record<string, string | undefined> }; getElementById(id: string): { textContent: string | null } | null };
declare const crossOriginIsolated: boolean;

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const dist = join(root, "packages/web/dist");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let browser: Browser;
let server: { url: string; close: () => Promise<void> };

test.before(async () => {
  execFileSync(process.execPath, [join(root, "packages/web/build.mjs")], { stdio: "ignore" });
  server = await (serve as (root: string, port: number) => Promise<{ url: string; close: () => Promise<void> }>)(dist, 0);
  if (!existsSync(executablePath)) throw new Error(`demo test: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

test.after.always(async () => {
  await browser?.close();
  await server?.close();
});

/** A new page at the demo, recording every console error and uncaught exception. */
async function open(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  return { page, errors };
}

async function result<T>(page: Page): Promise<T> {
  await page.waitForFunction(() => document.body.dataset.state === "done" || document.body.dataset.state === "error", undefined, { timeout: 240_000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== "done") throw new Error(`the page ended in state ${state}: ${await page.textContent(".status.error")}`);
  return (JSON.parse((await page.textContent("#result-json")) ?? "null") as { result: T }).result;
}

test("the page loads cross-origin isolated with no console error", async (t) => {
  const { page, errors } = await open();
  t.true(await page.evaluate(() => crossOriginIsolated));
  t.is(await page.title(), "krylov-ts — Hessian spectra in the browser");
  t.deepEqual(errors, []);
  await page.close();
});

test("training and the Hessian analysis run in the worker and match the same computation in Node", async (t) => {
  const { page, errors } = await open();
  await page.click("#run-hessian");
  // The page keeps answering while the worker computes: the status text changes under way.
  await page.waitForFunction(() => /Training|Lanczos|Hutchinson|Spectral/.test(document.getElementById("hessian-status")?.textContent ?? ""));
  const fromPage = await result<HessianResult>(page);
  const fromNode = analyseHessian(defaultRequest);
  t.deepEqual(errors, []);
  t.is(fromPage.n, fromNode.n);
  t.is(fromPage.status, "converged");
  t.is(fromPage.eigenvalues.length, defaultRequest.top);
  // Same seeds, same float64 arithmetic up to the kernels' summation order (the page may run the
  // relaxed-SIMD kernels with fused multiply–adds, Node 20 the plain ones).
  const close = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
  t.true(close(fromPage.losses.at(-1) as number, fromNode.losses.at(-1) as number, 1e-9));
  fromPage.eigenvalues.forEach((v, i) => t.true(close(v, fromNode.eigenvalues[i] as number, 1e-8), `λ${i + 1}: ${v} vs ${fromNode.eigenvalues[i]}`));
  t.true(close(fromPage.trace, fromNode.trace, 1e-8));
  t.true(fromPage.residuals.every((r) => r <= 1e-8));
  // Cross-origin isolated with the pool's script beside the bundle: the worker pool is available.
  t.true(fromPage.threads >= 2, `threads ${fromPage.threads}`);
  const shots = join(root, "packages/web/dist/screenshots");
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, "hessian.png"), fullPage: true });
  await page.close();
});

test("the Matrix Market tab finds the extreme eigenvalues of the 2-D Poisson example and solves by CG", async (t) => {
  const { page, errors } = await open();
  await page.click("#tab-matrix");
  await page.click("#mtx-example");
  await page.click("#run-matrix");
  const r = await result<MatrixResult>(page);
  t.deepEqual(errors, []);
  // λ(i, j) = 4 − 2cos(iπ/31) − 2cos(jπ/31), i, j = 1 … 30
  const exact: number[] = [];
  for (let i = 1; i <= 30; i++) for (let j = 1; j <= 30; j++) exact.push(4 - 2 * Math.cos((i * Math.PI) / 31) - 2 * Math.cos((j * Math.PI) / 31));
  exact.sort((a, b) => a - b);
  r.smallest.forEach((v, i) => t.true(Math.abs(v - (exact[i] as number)) <= 1e-9, `λmin+${i}: ${v} vs ${exact[i]}`));
  r.largest.forEach((v, i) => t.true(Math.abs(v - (exact[exact.length - 1 - i] as number)) <= 1e-9, `λmax−${i}: ${v}`));
  t.is(r.cgStatus, "converged");
  t.true(r.cgTrueRelativeResidual <= 1e-8);
  await page.screenshot({ path: join(root, "packages/web/dist/screenshots/matrix.png"), fullPage: true });
  await page.close();
});
