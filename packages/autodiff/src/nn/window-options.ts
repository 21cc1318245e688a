/**
 * The options shared by conv2d and the pooling layers, resolved to a window (TensorFlow's
 * conventions: `'same'` pads so that the output has ⌈H/stride⌉ rows, the odd pixel at the end).
 *
 * @module
 */
import { shapeStr, type Shape } from "../graph.js";
import type { Window } from "../ops/window.js";

/** Zero padding: `'valid'` (none), `'same'`, or explicit [[top, bottom], [left, right]]. */
export type Padding = "valid" | "same" | readonly [readonly [number, number], readonly [number, number]];

/** A size or stride given as one number for both axes or as [height, width]. */
export type Pair = number | readonly [number, number];

export function pair(fn: string, name: string, v: Pair | undefined, fallback: number): [number, number] {
  const p: readonly number[] = v === undefined ? [fallback, fallback] : typeof v === "number" ? [v, v] : v;
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 1)) throw new RangeError(`${fn}: ${name} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`);
  return [p[0] as number, p[1] as number];
}

/** The window of a `kernel` sliding over x [N, H, W, C]. */
export function resolveWindow(fn: string, x: Shape, kernel: [number, number], stride: [number, number], dilation: [number, number], padding: Padding): Window {
  if (x.length !== 4) throw new RangeError(`${fn}: x must be 4-D [N, H, W, C] (NHWC), got shape ${shapeStr(x)}`);
  let pads: [number, number, number, number];
  if (padding === "valid") pads = [0, 0, 0, 0];
  else if (padding === "same") {
    const side = (size: number, k: number, s: number, d: number): [number, number] => {
      const out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + (k - 1) * d + 1 - size, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    pads = [...side(x[1] as number, kernel[0], stride[0], dilation[0]), ...side(x[2] as number, kernel[1], stride[1], dilation[1])];
  } else if (Array.isArray(padding) && padding.length === 2) {
    pads = [padding[0][0], padding[0][1], padding[1][0], padding[1][1]];
  } else throw new RangeError(`${fn}: padding must be 'valid', 'same' or [[top, bottom], [left, right]], got ${JSON.stringify(padding)}`);
  return { kernel, stride, dilation, padding: pads };
}
