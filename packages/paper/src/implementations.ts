import type { PaperImplementation } from './table1.js';

/** How the report names each of the paper's implementations. */
export const IMPLEMENTATION_LABEL: Readonly<Record<PaperImplementation, string>> = {
  'pytorch-cudnn': 'PyTorch (cuDNN)',
  tvm: 'TVM (AutoTVM-tuned)',
};

/**
 * For each paper implementation, our conv backends (registry names) in the order a row tries them with
 * `--backends auto`: the first that can be created here runs the row, and every earlier failure is reported
 * (onnxruntime-style provider fallback). The first entry is the paper's own implementation; `tvm-cpu` is
 * the tuner's CPU target. A name that is not registered or installed simply fails resolution.
 */
export const CANDIDATE_BACKENDS: Readonly<Record<PaperImplementation, readonly string[]>> = {
  'pytorch-cudnn': ['cudnn', 'onnxruntime'],
  tvm: ['tvm', 'tvm-cpu', 'onnxruntime'],
};

/** The backend that is the paper's implementation itself (the first candidate). */
export function paperBackend(implementation: PaperImplementation): string {
  return CANDIDATE_BACKENDS[implementation][0]!;
}
