// Layout conversions for peers that work in NHWC (done once, outside any timed region).

/** NCHW → NHWC. @param {Float32Array} x @param {number[]} shape [N, C, H, W] */
export function nchwToNhwc(x, [N, C, H, W]) {
  const y = new Float32Array(x.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) y[((n * H + h) * W + w) * C + c] = x[((n * C + c) * H + h) * W + w];
  return y;
}

/** NHWC → NCHW. @param {ArrayLike<number>} y @param {number[]} shape [N, C, H, W] of the result */
export function nhwcToNchw(y, [N, C, H, W]) {
  const x = new Float32Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) x[((n * C + c) * H + h) * W + w] = y[((n * H + h) * W + w) * C + c];
  return x;
}

/** PyTorch [K, C, kH, kW] → TF conv2d filter [kH, kW, C, K]. @param {Float32Array} w @param {number[]} shape */
export function oihwToHwio(w, [K, C, kH, kW]) {
  const y = new Float32Array(w.length);
  for (let k = 0; k < K; k++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < kH; i++)
        for (let j = 0; j < kW; j++) y[((i * kW + j) * C + c) * K + k] = w[((k * C + c) * kH + i) * kW + j];
  return y;
}

/**
 * PyTorch depthwise [C·m, 1, kH, kW] (output channel c·m + j reads input channel c) →
 * TF depthwiseConv2d filter [kH, kW, C, m].
 * @param {Float32Array} w @param {number[]} shape @param {number} C
 */
export function depthwiseToHwcm(w, [K, , kH, kW], C) {
  const m = K / C;
  const y = new Float32Array(w.length);
  for (let c = 0; c < C; c++)
    for (let j = 0; j < m; j++)
      for (let i = 0; i < kH; i++)
        for (let l = 0; l < kW; l++) y[((i * kW + l) * C + c) * m + j] = w[((c * m + j) * kH + i) * kW + l];
  return y;
}
