/**
 * Max pooling as ops on the NHWC image itself: `maxPool`, the weights of its derivative
 * `poolWeights`, and the two linear maps they define, `poolSelect` and `poolSpread`. With
 * W_x[window, tap] = [x_tap = the window's maximum] / (number of taps at the maximum) (one maximum
 * takes all; ties share, as `max`'s subgradient; taps in the padding never win), M_x t = Σ_tap
 * W_x·t_tap per window is linear in t, maxPool(x) = M_x x, and W_x is piecewise constant in x:
 *
 *   maxPool:      VJP M_xᵀ g = poolSpread(g, W_x),   JVP M_x ẋ = poolSelect(ẋ, W_x);
 *   poolSelect:   (t, W) ↦ M t, linear in t: VJP poolSpread(g, W), JVP poolSelect(ṫ, W);
 *   poolSpread:   (g, W) ↦ Mᵀ g, linear in g: VJP poolSelect(h, W), JVP poolSpread(ġ, W);
 *   poolWeights:  x ↦ W_x, no derivative (0 almost everywhere).
 *
 * So derivatives of every order stay in these ops, and W_x, which depends on x only, is computed
 * once per point (with the forward pass) rather than in every Hessian-vector product. A window
 * whose maximum is NaN gives NaN.
 *
 * @module
 */
import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { windowAttrs } from "./im2col.js";
import { outputSize, type Window, type WindowAttrs } from "./window.js";

/** Max pooling of x [N, H, W, C] over the window: [N, OH, OW, C]. */
export function maxPool(x: Tensor, window: Window): Tensor {
  return makeNode("maxPool", [x], attrsOf(window, x.shape));
}

/** W_x [N, OH, OW, KH·KW·C]: per window and tap, 1/k at the window's k maxima of x [N, H, W, C], else 0. */
export function poolWeights(x: Tensor, window: Window): Tensor {
  return makeNode("poolWeights", [x], attrsOf(window, x.shape));
}

/** M t: each window's Σ_tap W·t (t [N, H, W, C], W from `poolWeights`) → [N, OH, OW, C]. */
export function poolSelect(t: Tensor, weights: Tensor, window: Window, shape: Shape): Tensor {
  return makeNode("poolSelect", [t, weights], attrsOf(window, shape));
}

/** Mᵀ g: g [N, OH, OW, C] times each window's W, summed into an image of `shape` [N, H, W, C]. */
export function poolSpread(g: Tensor, weights: Tensor, window: Window, shape: Shape): Tensor {
  return makeNode("poolSpread", [g, weights], attrsOf(window, shape));
}

function attrsOf(window: Window, shape: Shape): WindowAttrs {
  return { ...windowAttrs(window), fill: -Infinity, input: [...shape] };
}

/** The pooled shape [N, OH, OW, C] of x [N, H, W, C]. */
function pooledShape(fn: string, w: WindowAttrs, x: Shape): [number, number, number, number] {
  if (x.length !== 4) throw new RangeError(`${fn}: x must be 4-D [N, H, W, C], got shape ${shapeStr(x)}`);
  const [n, h, wd, c] = x as [number, number, number, number];
  const [oh, ow] = outputSize(fn, w, h, wd);
  return [n, oh, ow, c];
}

/** The weights' shape [N, OH, OW, KH·KW·C]. */
function weightsShape(fn: string, w: WindowAttrs): number[] {
  const [n, oh, ow, c] = pooledShape(fn, w, w.input);
  return [n, oh, ow, w.kernel[0] * w.kernel[1] * c];
}

function sameShape(fn: string, what: string, a: Shape, b: Shape): void {
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) throw new RangeError(`${fn}: ${what} has shape ${shapeStr(a)} but must be ${shapeStr(b)}`);
}

const windowOf = (node: Tensor): Window => node.attrs as unknown as Window;
const imageShape = (node: Tensor): Shape => node.attrs.input as readonly number[];

registerOp<WindowAttrs>({
  name: "maxPool",
  shape: (s, attrs) => pooledShape("maxPool", attrs, s[0] as Shape),
  kernel: (inputs, _inShapes, out, _outShape, attrs) => poolMax(attrs, inputs[0] as Float64Array, out),
  vjp: (node, g) => {
    const x = node.inputs[0] as Tensor;
    return [poolSpread(g, poolWeights(x, windowOf(node)), windowOf(node), x.shape)];
  },
  jvp: (node, [t]) => {
    const x = node.inputs[0] as Tensor;
    return t ? poolSelect(t, poolWeights(x, windowOf(node)), windowOf(node), x.shape) : null;
  },
});

registerOp<WindowAttrs>({
  name: "poolWeights",
  shape: (s, attrs) => {
    sameShape("poolWeights", "x", s[0] as Shape, attrs.input);
    return weightsShape("poolWeights", attrs);
  },
  kernel: (inputs, _inShapes, out, _outShape, attrs) => weightsKernel(attrs, inputs[0] as Float64Array, out),
  vjp: () => [null],
  jvp: () => null,
});

registerOp<WindowAttrs>({
  name: "poolSelect",
  shape: (s, attrs) => {
    sameShape("poolSelect", "t", s[0] as Shape, attrs.input);
    sameShape("poolSelect", "weights", s[1] as Shape, weightsShape("poolSelect", attrs));
    return pooledShape("poolSelect", attrs, attrs.input);
  },
  kernel: (inputs, _inShapes, out, _outShape, attrs) => selectKernel(attrs, inputs[0] as Float64Array, inputs[1] as Float64Array, out),
  vjp: (node, g) => [poolSpread(g, node.inputs[1] as Tensor, windowOf(node), imageShape(node)), null],
  jvp: (node, [t]) => (t ? poolSelect(t, node.inputs[1] as Tensor, windowOf(node), imageShape(node)) : null),
});

registerOp<WindowAttrs>({
  name: "poolSpread",
  shape: (s, attrs) => {
    sameShape("poolSpread", "g", s[0] as Shape, pooledShape("poolSpread", attrs, attrs.input));
    sameShape("poolSpread", "weights", s[1] as Shape, weightsShape("poolSpread", attrs));
    return [...attrs.input];
  },
  kernel: (inputs, _inShapes, out, _outShape, attrs) => {
    out.fill(0);
    spreadKernel(attrs, inputs[0] as Float64Array, inputs[1] as Float64Array, out);
  },
  vjp: (node, g) => [poolSelect(g, node.inputs[1] as Tensor, windowOf(node), imageShape(node)), null],
  jvp: (node, [t]) => (t ? poolSpread(t, node.inputs[1] as Tensor, windowOf(node), imageShape(node)) : null),
});

/** The current window's taps inside the image: kernel rows p0 ≤ p < p1, columns q0 ≤ q < q1. */
const span = { p0: 0, p1: 0, q0: 0, q1: 0 };

/** Clips a window's kernel taps [0, k) starting at `start` with dilation d to [0, size): [lo, hi). */
function clipLo(start: number, k: number, d: number): number {
  let lo = 0;
  while (lo < k && start + lo * d < 0) lo++;
  return lo;
}
function clipHi(start: number, k: number, d: number, size: number, lo: number): number {
  let hi = k;
  while (hi > lo && start + (hi - 1) * d >= size) hi--;
  return hi;
}

/**
 * Visits the windows: for window (b, i, j) at output offset o, the per-channel maximum m of x
 * over its taps inside the image and the number k of taps equal to it (m NaN when a tap is), in
 * `best`/`ties`, with the taps' span in `span`; then calls `each(o, b, r0, s0)`. Channels are
 * innermost, so every tap reads a contiguous run of C.
 */
function forEachWindow(w: WindowAttrs, x: Float64Array, each: (o: number, row0: number, s0: number) => void): void {
  const [n, h, wd, c] = w.input as [number, number, number, number];
  const [kh, kw] = w.kernel;
  const [sh, sw] = w.stride;
  const [dh, dw] = w.dilation;
  const [pt, , pl] = w.padding;
  const [oh, ow] = outputSize("maxPool", w, h, wd);
  if (best.length < c) {
    best = new Float64Array(c);
    ties = new Float64Array(c);
  }
  const m = best;
  const k = ties;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - pt;
      const p0 = clipLo(r0, kh, dh);
      const p1 = clipHi(r0, kh, dh, h, p0);
      for (let j = 0; j < ow; j++) {
        const s0 = j * sw - pl;
        const q0 = clipLo(s0, kw, dw);
        const q1 = clipHi(s0, kw, dw, wd, q0);
        m.fill(-Infinity, 0, c);
        k.fill(0, 0, c);
        for (let p = p0; p < p1; p++) {
          const row = (b * h + r0 + p * dh) * wd;
          for (let q = q0; q < q1; q++) {
            const at = (row + s0 + q * dw) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[at + ch] as number;
              const mc = m[ch] as number;
              if (v > mc) {
                m[ch] = v;
                k[ch] = 1;
              } else if (v === mc) k[ch] = (k[ch] as number) + 1;
              else if (v !== v) m[ch] = NaN; // NaN wins: no later v compares above it
            }
          }
        }
        span.p0 = p0;
        span.p1 = p1;
        span.q0 = q0;
        span.q1 = q1;
        each(((b * oh + i) * ow + j) * c, b * h + r0, s0);
      }
    }
  }
}

/** Per-channel scratch of `forEachWindow`: the window's maximum and its number of taps (grown, never shrunk). */
let best = new Float64Array(16);
let ties = new Float64Array(16);

/** maxPool: out [N, OH, OW, C] = each window's maximum. */
function poolMax(w: WindowAttrs, x: Float64Array, out: Float64Array): void {
  const c = w.input[3] as number;
  forEachWindow(w, x, (o) => {
    for (let ch = 0; ch < c; ch++) out[o + ch] = best[ch] as number;
  });
}

/** poolWeights: out [N, OH, OW, KH·KW·C] = 1/k at each window's k maxima (NaN in a NaN window), else 0. */
function weightsKernel(w: WindowAttrs, x: Float64Array, out: Float64Array): void {
  const [, , wd, c] = w.input as [number, number, number, number];
  const [kh, kw] = w.kernel;
  const [dh, dw] = w.dilation;
  const taps = kh * kw * c;
  out.fill(0);
  forEachWindow(w, x, (o, row0, s0) => {
    const base = (o / c) * taps;
    for (let p = span.p0; p < span.p1; p++) {
      const row = (row0 + p * dh) * wd;
      for (let q = span.q0; q < span.q1; q++) {
        const at = (row + s0 + q * dw) * c;
        const wAt = base + (p * kw + q) * c;
        for (let ch = 0; ch < c; ch++) {
          const m = best[ch] as number;
          if (m !== m) out[wAt + ch] = NaN;
          else if (x[at + ch] === m) out[wAt + ch] = 1 / (ties[ch] as number);
        }
      }
    }
  });
}

/** Loops over the windows' taps inside the image: `tap(tAt, wAt, o)` with the offsets of a C-run in the image, in W, in the pooled output. */
function forEachTap(w: WindowAttrs, tap: (at: number, wAt: number, o: number) => void): void {
  const [n, h, wd, c] = w.input as [number, number, number, number];
  const [kh, kw] = w.kernel;
  const [sh, sw] = w.stride;
  const [dh, dw] = w.dilation;
  const [pt, , pl] = w.padding;
  const [oh, ow] = outputSize("maxPool", w, h, wd);
  const taps = kh * kw * c;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - pt;
      const p0 = clipLo(r0, kh, dh);
      const p1 = clipHi(r0, kh, dh, h, p0);
      for (let j = 0; j < ow; j++) {
        const s0 = j * sw - pl;
        const q0 = clipLo(s0, kw, dw);
        const q1 = clipHi(s0, kw, dw, wd, q0);
        const window = (b * oh + i) * ow + j;
        for (let p = p0; p < p1; p++) {
          const row = (b * h + r0 + p * dh) * wd;
          for (let q = q0; q < q1; q++) tap((row + s0 + q * dw) * c, window * taps + (p * kw + q) * c, window * c);
        }
      }
    }
  }
}

/** poolSelect: out [N, OH, OW, C] = Σ_tap W·t per window. */
function selectKernel(w: WindowAttrs, t: Float64Array, weights: Float64Array, out: Float64Array): void {
  const c = w.input[3] as number;
  out.fill(0);
  forEachTap(w, (at, wAt, o) => {
    for (let ch = 0; ch < c; ch++) out[o + ch] = (out[o + ch] as number) + (weights[wAt + ch] as number) * (t[at + ch] as number);
  });
}

/** poolSpread: out [N, H, W, C] (zeroed by the caller) += W·g at each window's taps. */
function spreadKernel(w: WindowAttrs, g: Float64Array, weights: Float64Array, out: Float64Array): void {
  const c = w.input[3] as number;
  forEachTap(w, (at, wAt, o) => {
    for (let ch = 0; ch < c; ch++) out[at + ch] = (out[at + ch] as number) + (weights[wAt + ch] as number) * (g[o + ch] as number);
  });
}
