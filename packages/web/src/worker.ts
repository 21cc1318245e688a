/**
 * The demo page's worker: runs each job of the page (training and Hessian analysis, or a Matrix
 * Market file's eigenvalues and CG solve) off the page's thread, posting progress as it goes,
 * so the page stays responsive.
 *
 * @module
 */
import { analyseHessian, analyseMatrix } from "./analysis.js";
import type { Job, Progress, Reply } from "./protocol.js";

interface WorkerScope {
  onmessage: ((event: { data: Job }) => void) | null;
  postMessage(reply: Reply): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = ({ data: job }) => {
  let last = 0;
  // At most one progress message every 50 ms, and always the last of a phase.
  const onProgress = (progress: Progress): void => {
    const now = performance.now();
    const end = progress.phase === "training" ? progress.step === progress.steps : false;
    if (now - last < 50 && !end) return;
    last = now;
    scope.postMessage({ id: job.id, type: "progress", progress });
  };
  const t0 = performance.now();
  try {
    if (job.kind === "hessian") {
      const result = analyseHessian(job.request, onProgress);
      scope.postMessage({ id: job.id, type: "hessian", result, seconds: (performance.now() - t0) / 1000 });
    } else {
      const result = analyseMatrix(job.text, job.k, job.rtol, onProgress);
      scope.postMessage({ id: job.id, type: "matrix", result, seconds: (performance.now() - t0) / 1000 });
    }
  } catch (e) {
    scope.postMessage({ id: job.id, type: "error", message: e instanceof Error ? e.message : String(e) });
  }
};
