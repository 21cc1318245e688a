/**
 * Models built quickly over one flat parameter vector: layers (dense, conv2d, pooling, flatten,
 * activation) composed by `sequential`, with Keras' standard seeded initializations, so that the
 * loss of a model is a function of one Tensor θ [n] and its Hessian an operator over all the
 * model's parameters.
 *
 * @module
 */
import { checkOptions, rng } from "@krylov-ts/operators";
import { shapeStr, type Shape, type Tensor } from "../graph.js";
import { add } from "../ops/add.js";
import { matmul } from "../ops/matmul.js";
import { reshape } from "../ops/reshape.js";
import { params, type ParamLayout } from "../params.js";
import { CONV2D_OPTIONS, conv2d, type Conv2dOptions } from "./conv2d.js";
import { avgPool2d, maxPool2d, POOL_OPTIONS, type PoolOptions } from "./pool.js";
import { pair, resolveWindow, type Pair } from "./window-options.js";
import { outputSize } from "../ops/window.js";

/** An activation: an elementwise function of a Tensor (`tanh`, `relu`, `gelu`, …). */
export type Activation = (x: Tensor) => Tensor;

/** How a weight is drawn: Glorot (Xavier) uniform (Keras' default), He normal, or zeros. */
export type Initializer = "glorotUniform" | "heNormal" | "zeros";

/** One layer: its output shape, parameters and initialization for an input shape (without the batch axis), and its function. */
export interface Layer {
  readonly kind: string;
  /** Output shape for an input of `input` (per sample). */
  outputShape(input: Shape): Shape;
  /** The parameters' names (local to the layer) and shapes for an input of `input`. */
  parameters(input: Shape): readonly (readonly [string, readonly number[]])[];
  /** The initial value of parameter `name` (row-major), drawn from `draw`. */
  initial(name: string, shape: readonly number[], input: Shape, draw: { uniform(): number; normal(): number }): Float64Array;
  /** The layer applied to a batch x [B, …input] with its parameter tensors. */
  apply(x: Tensor, p: Readonly<Record<string, Tensor>>): Tensor;
}

function draw(init: Initializer, shape: readonly number[], fanIn: number, fanOut: number, r: { uniform(): number; normal(): number }): Float64Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  if (init === "zeros") return out;
  if (init === "glorotUniform") {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < size; i++) out[i] = limit * (2 * r.uniform() - 1);
  } else {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < size; i++) out[i] = std * r.normal();
  }
  return out;
}

/** The keys a layer adds to its op's options. */
const LAYER_OPTIONS = { activation: true, useBias: true, init: true } as const;

/** A fully connected layer x·W + b on the last axis (W [in, units]), then `activation`. */
export function dense(units: number, options: { activation?: Activation; useBias?: boolean; init?: Initializer } = {}): Layer {
  checkOptions("dense", options, LAYER_OPTIONS);
  if (!Number.isInteger(units) || units < 1) throw new RangeError(`dense: units must be a positive integer, got ${units}`);
  const useBias = options.useBias ?? true;
  return {
    kind: "dense",
    outputShape: (input) => {
      if (input.length !== 1) throw new RangeError(`dense: input must be 1-D per sample (flatten first), got shape ${shapeStr(input)}`);
      return [units];
    },
    parameters: (input) => [["kernel", [input[0] as number, units]], ...(useBias ? [["bias", [units]] as const] : [])],
    initial: (name, shape, input, r) => (name === "bias" ? new Float64Array(units) : draw(options.init ?? "glorotUniform", shape, input[0] as number, units, r)),
    apply: (x, p) => {
      let y = matmul(x, p.kernel as Tensor);
      if (useBias) y = add(y, p.bias as Tensor);
      return options.activation === undefined ? y : options.activation(y);
    },
  };
}

/** A 2-D convolution layer over NHWC inputs (kernel [KH, KW, C/groups, filters]), then `activation`. */
export function conv2dLayer(filters: number, kernel: Pair, options: Conv2dOptions & { activation?: Activation; useBias?: boolean; init?: Initializer } = {}): Layer {
  checkOptions("conv2dLayer", options, { ...CONV2D_OPTIONS, ...LAYER_OPTIONS });
  if (!Number.isInteger(filters) || filters < 1) throw new RangeError(`conv2dLayer: filters must be a positive integer, got ${filters}`);
  const [kh, kw] = pair("conv2dLayer", "kernel", kernel, 1);
  const groups = options.groups ?? 1;
  const useBias = options.useBias ?? true;
  const { activation, init, useBias: _u, ...convOptions } = options;
  return {
    kind: "conv2d",
    outputShape: (input) => {
      const w = resolveWindow("conv2dLayer", [1, ...input], [kh, kw], pair("conv2dLayer", "stride", options.stride, 1), pair("conv2dLayer", "dilation", options.dilation, 1), options.padding ?? "valid");
      const [oh, ow] = outputSize("conv2dLayer", w, input[0] as number, input[1] as number);
      return [oh, ow, filters];
    },
    parameters: (input) => [["kernel", [kh, kw, (input[2] as number) / groups, filters]], ...(useBias ? [["bias", [filters]] as const] : [])],
    initial: (name, shape, input, r) => {
      if (name === "bias") return new Float64Array(filters);
      const receptive = kh * kw;
      return draw(init ?? "glorotUniform", shape, receptive * ((input[2] as number) / groups), receptive * (filters / groups), r);
    },
    apply: (x, p) => {
      let y = conv2d(x, p.kernel as Tensor, convOptions);
      if (useBias) y = add(y, p.bias as Tensor);
      return activation === undefined ? y : activation(y);
    },
  };
}

/** Max or average pooling over `size` windows (no parameters). */
export function pool2dLayer(kind: "max" | "avg", size: Pair, options: PoolOptions = {}): Layer {
  checkOptions("pool2dLayer", options, POOL_OPTIONS);
  const [kh, kw] = pair(`${kind}Pool2d`, "size", size, 1);
  return {
    kind: `${kind}Pool2d`,
    outputShape: (input) => {
      const w = resolveWindow(`${kind}Pool2d`, [1, ...input], [kh, kw], pair(`${kind}Pool2d`, "stride", options.stride ?? size, 1), [1, 1], options.padding ?? "valid");
      const [oh, ow] = outputSize(`${kind}Pool2d`, w, input[0] as number, input[1] as number);
      return [oh, ow, input[2] as number];
    },
    parameters: () => [],
    initial: () => new Float64Array(0),
    apply: (x) => (kind === "max" ? maxPool2d(x, size, options) : avgPool2d(x, size, options)),
  };
}

/** Flattens each sample to 1-D (row-major, as Keras' Flatten on NHWC). */
export function flatten(): Layer {
  return {
    kind: "flatten",
    outputShape: (input) => [input.reduce((a, b) => a * b, 1)],
    parameters: () => [],
    initial: () => new Float64Array(0),
    apply: (x) => reshape(x, [x.shape[0] as number, x.size / (x.shape[0] as number)]),
  };
}

/** An activation as a layer. */
export function activationLayer(f: Activation): Layer {
  return { kind: "activation", outputShape: (input) => input, parameters: () => [], initial: () => new Float64Array(0), apply: (x) => f(x) };
}

/** A model from `sequential`: its parameter layout, a seeded initialization and its function. */
export interface SequentialModel {
  /** Number of parameters. */
  readonly n: number;
  /** The packing of every layer's parameters (named `l0.kernel`, `l0.bias`, `l2.kernel`, …). */
  readonly layout: ParamLayout;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** Initial parameters, seeded (Glorot uniform kernels and zero biases unless a layer says otherwise). */
  init(seed?: number): Float64Array;
  /** The model on a batch x [B, …inputShape] at the flat parameters θ [n]. */
  apply(theta: Tensor, x: Tensor): Tensor;
}

/**
 * Layers composed in order over one flat parameter vector.
 *
 * @param inputShape - one sample's shape, e.g. [28, 28, 1] (NHWC images) or [784]
 * @example
 * const cnn = sequential([conv2dLayer(8, 3, { padding: "same", activation: relu }), pool2dLayer("max", 2), flatten(), dense(10)], [28, 28, 1]);
 * const loss = (theta: Tensor) => softmaxCrossEntropy(cnn.apply(theta, X), Y);
 */
export function sequential(layers: readonly Layer[], inputShape: readonly number[]): SequentialModel {
  if (!Array.isArray(layers) || layers.length === 0) throw new RangeError("sequential: layers must be a non-empty list");
  const inputs: Shape[] = [];
  let shape: Shape = [...inputShape];
  const spec: [string, readonly number[]][] = [];
  layers.forEach((layer, i) => {
    inputs.push(shape);
    for (const [name, s] of layer.parameters(shape)) spec.push([`l${i}.${name}`, s]);
    shape = layer.outputShape(shape);
  });
  const layout = params(spec);
  const outputShape = shape;
  return {
    n: layout.n,
    layout,
    inputShape: [...inputShape],
    outputShape,
    init(seed = 0) {
      const r = rng(seed);
      const theta = new Float64Array(layout.n);
      layers.forEach((layer, i) => {
        for (const [name, s] of layer.parameters(inputs[i] as Shape)) {
          const e = layout.entry(`l${i}.${name}`);
          theta.set(layer.initial(name, s, inputs[i] as Shape, r), e.offset);
        }
      });
      return theta;
    },
    apply(theta, x) {
      const views = layout.views(theta);
      let y = x;
      layers.forEach((layer, i) => {
        const p: Record<string, Tensor> = {};
        for (const [name] of layer.parameters(inputs[i] as Shape)) p[name] = views[`l${i}.${name}`] as Tensor;
        y = layer.apply(y, p);
      });
      return y;
    },
  };
}
