/**
 * Activation as a clamp, the way every op applies it: the lower bound, then the upper, each
 * replacing only a value strictly beyond it, as PyTorch's clamp (and so relu, relu6 = hardtanh)
 * does: NaN stays NaN, and a value equal to a bound stays itself — relu(−0) is −0, where
 * Math.max(0, −0) would give +0. 'relu' = [0, ∞], 'relu6' = [0, 6], 'none' = [−∞, ∞] (see
 * params.resolveActivation).
 */
export function clamp(x: number, min: number, max: number): number {
  const t = x < min ? min : x;
  return t > max ? max : t;
}
