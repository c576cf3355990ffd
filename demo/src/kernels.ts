// The classic hand-designed 3×3 kernels (row-major). Learned kernels in a trained CNN's first
// layer end up looking much like the edge detectors here.

export interface KernelDef {
  id: string;
  label: string;
  w: number[];
  /** what it responds to, one short sentence */
  note: string;
}

const f = Math.fround;

export const KERNELS: KernelDef[] = [
  { id: 'vertical', label: 'Vertical edge', w: [-1, 0, 1, -1, 0, 1, -1, 0, 1], note: 'Bright on the right of dark gives a positive response: it finds vertical edges.' },
  { id: 'horizontal', label: 'Horizontal edge', w: [-1, -1, -1, 0, 0, 0, 1, 1, 1], note: 'The transpose of the vertical edge: it finds horizontal edges.' },
  { id: 'sobelX', label: 'Sobel x', w: [-1, 0, 1, -2, 0, 2, -1, 0, 1], note: 'A vertical edge detector that weights the centre row twice (smoother, less noisy).' },
  { id: 'sobelY', label: 'Sobel y', w: [-1, -2, -1, 0, 0, 0, 1, 2, 1], note: 'Sobel for horizontal edges.' },
  { id: 'box', label: 'Box blur', w: Array(9).fill(f(1 / 9)), note: 'Every weight 1/9: each output is the mean of its 3×3 patch.' },
  { id: 'gaussian', label: 'Gaussian blur', w: [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => f(v / 16)), note: '[1,2,1]ᵀ[1,2,1]/16: a blur that favours the centre.' },
  { id: 'sharpen', label: 'Sharpen', w: [0, -1, 0, -1, 5, -1, 0, -1, 0], note: 'The pixel minus its neighbours, added back: boosts local contrast.' },
  { id: 'identity', label: 'Identity', w: [0, 0, 0, 0, 1, 0, 0, 0, 0], note: 'Copies the centre pixel: the output is the input (cropped by the border).' },
];

export const kernelById = (id: string): KernelDef | undefined => KERNELS.find((k) => k.id === id);

/** Rotate a k×k kernel by 180°: cross-correlation with the flipped kernel is true convolution. */
export function flip(w: number[]): number[] {
  return [...w].reverse();
}
