/**
 * simdconv/reference — the oracle: naive float32 loops with the same signatures and the same
 * validation (params.ts) as the engine's ops, but synchronous plain TypeScript. Every result is
 * defined bit for bit (DESIGN.md, "Exactness").
 */
export { conv2d, conv2dLoops } from './conv2d.js';
export { conv1d } from './conv1d.js';
export { maxPool2d, maxPool2dLoops } from './max-pool2d.js';
export { avgPool2d, avgPool2dLoops } from './avg-pool2d.js';
export { globalAvgPool2d, globalAvgPool2dLoops } from './global-avg-pool2d.js';
export { relu } from './relu.js';
export { im2col, im2colLoops } from './im2col.js';
export { clamp } from './activation.js';
