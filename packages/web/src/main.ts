/**
 * The demo page: two tabs, each sending a job to the worker and drawing its progress and results
 * with Chart.js. The page's own thread only draws; every product runs in the worker.
 *
 * The last result is also written as JSON into `#result-json` and the page's state into
 * `document.body.dataset.state` (`idle`, `running`, `done`, `error`), for the browser tests.
 *
 * @module
 */
import { Chart, registerables, type ChartConfiguration } from "chart.js";
import { defaultRequest, type HessianRequest, type HessianResult, type Job, type MatrixResult, type Progress, type Reply } from "./protocol.js";

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`demo: no element #${id}`);
  return e as T;
};

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let nextId = 1;
const handlers = new Map<number, (reply: Reply) => void>();
worker.onmessage = (event: MessageEvent<Reply>) => handlers.get(event.data.id)?.(event.data);
worker.onerror = (event) => fail($("hessian-status"), `the worker failed: ${event.message}`);

/** A job without its id (Omit distributed over the union). */
type JobBody = Job extends infer J ? (J extends Job ? Omit<J, "id"> : never) : never;

function submit(job: JobBody, onReply: (reply: Reply) => void): void {
  const id = nextId++;
  handlers.set(id, (reply) => {
    if (reply.type !== "progress") handlers.delete(id);
    onReply(reply);
  });
  document.body.dataset.state = "running";
  worker.postMessage({ ...job, id } as Job);
}

// ── Tabs ────────────────────────────────────────────────────────────────────────────────────
for (const [tab, panel] of [["tab-hessian", "panel-hessian"], ["tab-matrix", "panel-matrix"]] as const) {
  $(tab).addEventListener("click", () => {
    for (const [t, p] of [["tab-hessian", "panel-hessian"], ["tab-matrix", "panel-matrix"]] as const) {
      $(t).setAttribute("aria-selected", String(t === tab));
      $(p).hidden = p !== panel;
    }
  });
}

// ── Charts ──────────────────────────────────────────────────────────────────────────────────
function chart(id: string, config: ChartConfiguration): Chart {
  return new Chart($<HTMLCanvasElement>(id), config);
}
// Log axes labelled at the powers of ten only (Chart.js labels every 1, 2, …, 9 × 10ᵏ by default).
const logY = {
  type: "logarithmic" as const,
  ticks: {
    callback: (v: string | number): string => {
      const e = Math.log10(Number(v));
      return Math.abs(e - Math.round(e)) < 1e-9 ? `1e${Math.round(e)}` : "";
    },
  },
};
const lossChart = chart("loss-chart", {
  type: "line",
  data: { datasets: [{ label: "loss", data: [], borderColor: "#4c78a8", pointRadius: 0, borderWidth: 1.5 }] },
  options: { parsing: false, scales: { x: { type: "linear", title: { display: true, text: "Adam step" } }, y: { ...logY, title: { display: true, text: "loss" } } } },
});
const eigenChart = chart("eigen-chart", {
  type: "bar",
  data: { labels: [], datasets: [{ label: "eigenvalue", data: [], backgroundColor: "#e45756" }] },
  options: { plugins: { legend: { display: false } }, scales: { y: { title: { display: true, text: "λ" } } } },
});
const densityChart = chart("density-chart", {
  type: "line",
  data: {
    datasets: [
      { label: "density (SLQ)", data: [], borderColor: "#4c78a8", backgroundColor: "rgba(76,120,168,0.25)", fill: "start", pointRadius: 0, borderWidth: 1.5, spanGaps: false },
      { type: "scatter", label: "top eigenvalues (Lanczos)", data: [], backgroundColor: "#e45756", pointRadius: 5 },
    ],
  },
  options: { parsing: false, scales: { x: { type: "linear", title: { display: true, text: "eigenvalue λ" } }, y: { ...logY, title: { display: true, text: "density" } } } },
});
const cgChart = chart("cg-chart", {
  type: "line",
  data: {
    datasets: [
      { label: "‖r‖", data: [], borderColor: "#4c78a8", pointRadius: 0, borderWidth: 1.5 },
      { label: "rtol·‖b‖", data: [], borderColor: "#555", borderDash: [6, 4], pointRadius: 0, borderWidth: 1 },
    ],
  },
  options: { parsing: false, scales: { x: { type: "linear", title: { display: true, text: "CG iteration" } }, y: { ...logY, title: { display: true, text: "residual norm" } } } },
});

function setPoints(c: Chart, index: number, points: { x: number; y: number }[]): void {
  const ds = c.data.datasets[index];
  if (ds !== undefined) ds.data = points;
}

// ── Tab 1: a network and its Hessian ────────────────────────────────────────────────────────
const form = $<HTMLFormElement>("hessian-form");
const dataSelect = $<HTMLSelectElement>("data");
dataSelect.addEventListener("change", () => form.classList.toggle("csv", dataSelect.value === "csv"));

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void runHessian();
});

async function runHessian(): Promise<void> {
  const status = $("hessian-status");
  const bar = $<HTMLProgressElement>("hessian-progress");
  let request: HessianRequest;
  try {
    request = await readRequest();
  } catch (e) {
    fail(status, e instanceof Error ? e.message : String(e));
    return;
  }
  $<HTMLButtonElement>("run-hessian").disabled = true;
  const losses: { x: number; y: number }[] = [];
  setPoints(lossChart, 0, losses);
  status.classList.remove("error");
  submit({ kind: "hessian", request }, (reply) => {
    if (reply.type === "progress") {
      showProgress(reply.progress, status, bar, losses);
    } else if (reply.type === "hessian") {
      showHessian(reply.result, reply.seconds);
      bar.value = 1;
      $<HTMLButtonElement>("run-hessian").disabled = false;
    } else if (reply.type === "error") {
      fail(status, reply.message);
      $<HTMLButtonElement>("run-hessian").disabled = false;
    }
  });
}

async function readRequest(): Promise<HessianRequest> {
  const hidden = $<HTMLInputElement>("hidden").value.split(",").map((s) => Number(s.trim()));
  if (hidden.some((w) => !Number.isInteger(w) || w < 1 || w > 512)) throw new RangeError("hidden layers: widths between 1 and 512, e.g. 16,16");
  const steps = Number($<HTMLInputElement>("steps").value);
  const top = Number($<HTMLInputElement>("top").value);
  if (!Number.isInteger(steps) || steps < 0 || steps > 20000) throw new RangeError("Adam steps: an integer from 0 to 20,000");
  if (!Number.isInteger(top) || top < 1 || top > 20) throw new RangeError("top eigenvalues: an integer from 1 to 20");
  const data = dataSelect.value as HessianRequest["data"];
  const base = { ...defaultRequest, data, hidden, steps, top, activation: $<HTMLSelectElement>("activation").value as HessianRequest["activation"] };
  if (data !== "csv") return base;
  const file = $<HTMLInputElement>("csv-file").files?.[0];
  const label = $<HTMLInputElement>("csv-label").value.trim();
  if (file === undefined) throw new RangeError("choose a CSV file (with a header row)");
  if (label === "") throw new RangeError("name the CSV file's label column");
  return { ...base, csv: await file.text(), label };
}

function showProgress(p: Progress, status: HTMLElement, bar: HTMLProgressElement, losses: { x: number; y: number }[]): void {
  if (p.phase === "training") {
    losses.push({ x: p.step, y: p.loss });
    lossChart.update();
    status.textContent = `Training: step ${p.step} of ${p.steps}, loss ${p.loss.toPrecision(5)}`;
    bar.value = (0.6 * p.step) / Math.max(1, p.steps);
  } else if (p.phase === "eigenvalues") {
    status.textContent = `Lanczos: ${p.locked} of ${p.k} eigenvalues converged, ${p.matvecs} H·v products, residual ${p.residual.toExponential(2)}`;
    bar.value = 0.6 + (0.2 * p.locked) / p.k;
  } else if (p.phase === "trace") {
    status.textContent = `Hutchinson: ${p.probes} of ${p.total} probes, tr(H) ≈ ${Number.isNaN(p.estimate) ? "…" : p.estimate.toPrecision(5)}`;
    bar.value = 0.8 + (0.1 * p.probes) / p.total;
  } else {
    status.textContent = `Spectral density (SLQ): ${p.probes} of ${p.total} probes`;
    bar.value = 0.9 + (0.1 * p.probes) / p.total;
  }
}

function showHessian(r: HessianResult, seconds: number): void {
  setPoints(lossChart, 0, r.losses.map((y, x) => ({ x, y })));
  lossChart.update();
  eigenChart.data.labels = r.eigenvalues.map((_, i) => `λ${i + 1}`);
  const bars = eigenChart.data.datasets[0];
  if (bars !== undefined) bars.data = [...r.eigenvalues];
  eigenChart.update();
  let peak = 0;
  for (const d of r.density) peak = Math.max(peak, d);
  const floor = peak * 1e-6;
  // Below 10⁻⁶ of the peak the curve stops (a gap, not a line along the floor that would read as data).
  setPoints(densityChart, 0, r.grid.map((x, i) => ({ x, y: (r.density[i] as number) >= floor ? (r.density[i] as number) : (null as unknown as number) })));
  setPoints(densityChart, 1, r.eigenvalues.map((x) => ({ x, y: floor })));
  densityChart.update();
  $("hessian-status").textContent =
    `Done in ${seconds.toFixed(2)} s: n = ${r.n} parameters, ${r.dataset} (${r.samples} samples), final loss ${(r.losses[r.losses.length - 1] ?? NaN).toPrecision(5)}` +
    (r.accuracy === null ? "" : `, accuracy ${(100 * r.accuracy).toFixed(1)} %`) +
    `; Lanczos ${r.status} in ${r.matvecs} H·v products; tr(H) ≈ ${r.trace.toPrecision(5)} ± ${r.traceError.toPrecision(2)}.`;
  const rows = r.eigenvalues.map((v, i) => `<tr><td>λ${i + 1}</td><td>${v.toPrecision(10)}</td><td>${(r.residuals[i] as number).toExponential(2)}</td></tr>`);
  $("hessian-table").innerHTML = `<tr><th></th><th>eigenvalue</th><th>‖Hv − λv‖</th></tr>${rows.join("")}`;
  finish({ kind: "hessian", result: r });
}

// ── Tab 2: a Matrix Market file ─────────────────────────────────────────────────────────────
let matrixText: string | undefined;
let matrixName = "";
$<HTMLInputElement>("mtx-file").addEventListener("change", async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  matrixText = await file.text();
  matrixName = file.name;
  $("matrix-status").textContent = `${file.name}: ${(file.size / 1024).toFixed(1)} KiB read. Press “Analyse”.`;
});
$("mtx-example").addEventListener("click", () => {
  matrixText = poisson2d(30);
  matrixName = "2-D Poisson, 30 × 30 grid (n = 900)";
  $("matrix-status").textContent = `${matrixName}. Press “Analyse”.`;
});
$<HTMLFormElement>("matrix-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const status = $("matrix-status");
  if (matrixText === undefined) {
    fail(status, "choose a Matrix Market file first, or the example");
    return;
  }
  status.classList.remove("error");
  const k = Number($<HTMLInputElement>("mtx-k").value);
  const rtol = Number($<HTMLInputElement>("mtx-rtol").value);
  if (!Number.isInteger(k) || k < 1 || k > 20 || !(rtol > 0 && rtol < 1)) {
    fail(status, "eigenvalues from each end: 1 to 20; rtol: between 0 and 1");
    return;
  }
  $<HTMLButtonElement>("run-matrix").disabled = true;
  submit({ kind: "matrix", text: matrixText, k, rtol }, (reply) => {
    if (reply.type === "progress" && reply.progress.phase === "eigenvalues") {
      status.textContent = `Lanczos: ${reply.progress.locked} of ${reply.progress.k} converged, ${reply.progress.matvecs} products`;
    } else if (reply.type === "matrix") {
      showMatrix(reply.result, reply.seconds, rtol);
      $<HTMLButtonElement>("run-matrix").disabled = false;
    } else if (reply.type === "error") {
      fail(status, reply.message);
      $<HTMLButtonElement>("run-matrix").disabled = false;
    }
  });
});

function showMatrix(r: MatrixResult, seconds: number, rtol: number): void {
  setPoints(cgChart, 0, r.cgResiduals.map((y, x) => ({ x, y })).filter((p) => p.y > 0));
  const b = Math.sqrt(r.rows); // ‖1‖
  setPoints(cgChart, 1, [{ x: 0, y: rtol * b }, { x: Math.max(1, r.cgResiduals.length - 1), y: rtol * b }]);
  cgChart.update();
  const rows = [
    ...r.largest.map((v, i) => `<tr><td>λmax${i === 0 ? "" : `−${i}`}</td><td>${v.toPrecision(12)}</td></tr>`),
    ...r.smallest.map((v, i) => `<tr><td>λmin${i === 0 ? "" : `+${i}`}</td><td>${v.toPrecision(12)}</td></tr>`),
  ];
  $("matrix-table").innerHTML = `<tr><th></th><th>eigenvalue</th></tr>${rows.join("")}`;
  $("matrix-status").textContent =
    `${matrixName}: ${r.rows}×${r.rows}, ${r.nnz} nonzeros. Lanczos ${r.eigenStatus} (${r.eigenMatvecs} products); ` +
    `CG ${r.cgStatus} after ${r.cgIterations} iterations, true ‖b − Ax‖/‖b‖ = ${r.cgTrueRelativeResidual.toExponential(2)} (${seconds.toFixed(2)} s).`;
  finish({ kind: "matrix", result: r });
}

/** The 5-point Laplacian on a g×g grid (Dirichlet), as Matrix Market text (lower triangle). */
function poisson2d(g: number): string {
  const lines: string[] = [];
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < g; j++) {
      const p = i * g + j + 1;
      lines.push(`${p} ${p} 4`);
      if (j > 0) lines.push(`${p} ${p - 1} -1`);
      if (i > 0) lines.push(`${p} ${p - g} -1`);
    }
  }
  return `%%MatrixMarket matrix coordinate real symmetric\n${g * g} ${g * g} ${lines.length}\n${lines.join("\n")}\n`;
}

function finish(result: unknown): void {
  $("result-json").textContent = JSON.stringify(result);
  document.body.dataset.state = "done";
}

function fail(status: HTMLElement, message: string): void {
  status.textContent = `Error: ${message}`;
  status.classList.add("error");
  document.body.dataset.state = "error";
}

document.body.dataset.state = "idle";
