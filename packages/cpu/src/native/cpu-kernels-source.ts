import { BATCH_NORM_SOURCE } from './kernels/batch-norm.js';
import { ELEMENTWISE_SOURCE } from './kernels/elementwise.js';
import { LOSS_ADAM_SOURCE } from './kernels/loss-adam.js';
import { PRELUDE_SOURCE } from './kernels/prelude.js';
import { SPATIAL_SOURCE } from './kernels/spatial.js';

/**
 * The C source of every CPU device op (float32 storage), compiled once into one shared object. Batch norm, ELU,
 * add and bias mirror the arithmetic of their JavaScript op in ../ops (double intermediates, the same formulas
 * and rounding points); trilinear upsampling, max pool, the loss's per-voxel terms and Adam compute in float
 * (twice the vector width; a few float32 ulps from the JavaScript op, far inside the 1e-5 the tests demand).
 * Reductions (batch-norm statistics, bias gradients, the loss) accumulate in double per block and combine in a
 * fixed order, so runs are deterministic. Loops are vectorised by the compiler (`-O3 -march=native`,
 * `#pragma omp simd`, restrict) and split over threads with OpenMP: one parallel region per pass, static
 * schedules, one thread below PAR_BYTES (256 KiB) of traffic or on an oversubscribed machine (team() in the
 * source). Layout is NCDHW; S = D·H·W.
 */
export const CPU_KERNELS_SOURCE = [
  PRELUDE_SOURCE,
  ELEMENTWISE_SOURCE,
  BATCH_NORM_SOURCE,
  SPATIAL_SOURCE,
  LOSS_ADAM_SOURCE,
].join('\n');
