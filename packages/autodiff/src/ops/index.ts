/**
 * Every op of the package (importing this module registers them all).
 *
 * @module
 */
export { add } from "./add.js";
export { sub } from "./sub.js";
export { mul } from "./mul.js";
export { div } from "./div.js";
export { neg } from "./neg.js";
export { pow } from "./pow.js";
export { square } from "./square.js";
export { sqrt } from "./sqrt.js";
export { exp } from "./exp.js";
export { log } from "./log.js";
export { log1p } from "./log1p.js";
export { tanh } from "./tanh.js";
export { sigmoid } from "./sigmoid.js";
export { erf } from "./erf.js";
export { relu } from "./relu.js";
export { softplus } from "./softplus.js";
export { sin } from "./sin.js";
export { cos } from "./cos.js";
export { abs } from "./abs.js";
export { sign } from "./sign.js";
export { greater, greaterEqual } from "./compare.js";
export { sum } from "./sum.js";
export { mean } from "./mean.js";
export { matmul, type MatmulOptions } from "./matmul.js";
export { transpose } from "./transpose.js";
export { reshape } from "./reshape.js";
export { broadcastTo } from "./broadcast-to.js";
export { logSumExp } from "./log-sum-exp.js";
export { logSoftmax, softmax } from "./log-softmax.js";
export { softmaxCrossEntropy } from "./softmax-cross-entropy.js";
export { dot } from "./dot.js";
export { maximum } from "./maximum.js";
export { where } from "./where.js";
export { slice } from "./slice.js";
export { pad } from "./pad.js";
export { concat } from "./concat.js";
export { stopGradient } from "./stop-gradient.js";
export { zeros, ones, zerosLike, onesLike, sumTo, type TensorLike } from "./util.js";
export { max } from "./max.js";
export { maxPool, poolWeights, poolSelect, poolSpread } from "./max-pool.js";
export { im2col } from "./im2col.js";
export { col2im } from "./col2im.js";
export type { Window } from "./window.js";
export { gather } from "./gather.js";
export { scatterAdd } from "./scatter-add.js";
