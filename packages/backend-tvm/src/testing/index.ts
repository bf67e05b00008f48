/**
 * @unet3d/backend-tvm/testing: test helpers only (not for production code): a measurer over a known cost
 * function, synthetic cost landscapes for tuner tests, and a float64 emulation of the CUDA templates'
 * implicit GEMM index functions.
 */
export { emulateGemm } from './emulate.js';
export { bowlLandscape, type Landscape, landscapeTarget, searchLandscape } from './landscape.js';
export { SyntheticMeasurer } from './synthetic-measure.js';
