/**
 * The exported surface of simdconv's wasm module. Every kernel takes byte offsets into this
 * module's memory, which the TypeScript bindings own (bindings/memory.ts); nothing here
 * allocates or keeps state between calls.
 */
export { pack_f32_gemm_oihw, pack_f32_winograd_2x2_3x3 } from './gemm/pack-f32-gemm-oihw';
export { f32_pad_phase } from './conv/f32-pad';
export { f32_im2col } from './conv/f32-im2col';
export { f32_conv2d_gemm } from './conv/f32-conv2d-gemm';
export { f32_conv2d_direct, f32_conv_offsets } from './conv/f32-conv2d-direct';
export { f32_dwconv } from './conv/f32-dwconv';
export { f32_conv2d_winograd_2x2_3x3, f32_scatter_phase } from './conv/f32-conv2d-winograd-2x2-3x3';
export { f32_all_finite } from './util/f32-all-finite';
export { f32_dwconv_3x3s2, f32_dwconv_3x3s2_scratch } from './conv/f32-dwconv-3x3s2';
export { f32_dwconv_3x3s1, f32_dwconv_3x3s1_scratch } from './conv/f32-dwconv-3x3s1';
export { f32_dwconv_3x3_c4, f32_dwconv_3x3_c4_scratch } from './conv/f32-dwconv-3x3-c4';
export { f32_maxpool, f32_maxpool_2x2s2, f32_maxpool_3x3s2 } from './pool/f32-maxpool';
export { f32_avgpool, f32_avgpool_2x2s2 } from './pool/f32-avgpool';
export { f32_maxpool_s1 } from './pool/f32-maxpool-s1';
export { f32_avgpool_3x3, f32_avgpool_3x3_zero_floats } from './pool/f32-avgpool-3x3';
export { f32_global_avgpool } from './pool/f32-global-avgpool';
export { f32_clamp } from './activation/f32-clamp';

/** First byte the bindings may use: everything below is the module's static data. */
export function heap_base(): usize {
  return (__heap_base + 15) & ~15;
}

/** 1 in the relaxed-SIMD build, 0 in the baseline build. */
export function relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
