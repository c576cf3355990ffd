/**
 * f32_im2col: writes columns [p0, p0 + ncols) of the im2col matrix of one image (or one group
 * of its channels) into dst, row r = (c·kH + ky)·kW + kx at dst + r·ldd floats.
 * Column p is output pixel (oy, ox) = (p / outW, p % outW); its entry in row r is
 * x[c][oy·sH − padTop + ky·dH][ox·sW − padLeft + kx·dW], or 0 in the padding.
 * Called panel by panel by the GEMM driver, and once with p0 = 0, ncols = outH·outW for the
 * public im2col op. A 1×1 stride-1 kernel whose pixels lie in the input copies each row in one
 * run instead of one per output row (7 floats a copy on 7 × 7): the copied pointwise layers of
 * bindings/plan.ts pointwiseCopies.
 */
export function f32_im2col(
  x: usize, c: i32, h: i32, w: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  padTop: i32, padLeft: i32, outW: i32, p0: i32, ncols: i32, dst: usize, ldd: i32,
): void {
  if (kH == 1 && kW == 1 && sH == 1 && sW == 1 && padTop == 0 && padLeft == 0 && outW == w && p0 + ncols <= h * w) {
    // 1×1, stride 1, no padding on these pixels: row ch is a run of the plane, one copy
    for (let ch = 0; ch < c; ch++) {
      memory.copy(dst + (<usize>ch * <usize>ldd << 2), x + (<usize>(ch * h * w + p0) << 2), <usize>ncols << 2);
    }
    return;
  }
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const plane = x + (<usize>(ch * h * w) << 2);
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const drow = dst + (<usize>r * <usize>ldd << 2);
        let j = 0;
        let oy = p0 / outW;
        let ox = p0 - oy * outW;
        while (j < ncols) {
          const seg = min(outW - ox, ncols - j);
          const d = drow + (<usize>j << 2);
          const iy = oy * sH - padTop + ky * dH;
          if (iy < 0 || iy >= h) {
            memory.fill(d, 0, <usize>seg << 2);
          } else {
            const ix0 = ox * sW - padLeft + kx * dW;
            const tlo = ix0 >= 0 ? 0 : min(seg, (-ix0 + sW - 1) / sW);
            const thi = ix0 > w - 1 ? tlo : max(tlo, min(seg, (w - 1 - ix0) / sW + 1));
            if (tlo > 0) memory.fill(d, 0, <usize>tlo << 2);
            const srow = plane + (<usize>(iy * w) << 2);
            if (sW == 1) {
              memory.copy(d + (<usize>tlo << 2), srow + (<usize>(ix0 + tlo) << 2), <usize>(thi - tlo) << 2);
            } else {
              let t = tlo;
              if (sW == 2) {
                // even lanes of 8 consecutive floats, 4 columns a step; the last step reads up to
                // one float past the row's last column (the next row, or the heap's slack)
                for (; t + 4 <= thi; t += 4) {
                  const p = srow + (<usize>(ix0 + 2 * t) << 2);
                  v128.store(d + (<usize>t << 2), v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6));
                }
              }
              for (; t < thi; t++) {
                store<f32>(d + (<usize>t << 2), load<f32>(srow + (<usize>(ix0 + t * sW) << 2)));
              }
            }
            if (thi < seg) memory.fill(d + (<usize>thi << 2), 0, <usize>(seg - thi) << 2);
          }
          j += seg;
          oy++;
          ox = 0;
        }
        r++;
      }
    }
  }
}
