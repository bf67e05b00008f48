/**
 * Entry point of the CPU measure worker (a child process, see ChildWorkerPool): loads one generated shared
 * object per request, runs it on seeded operands, checks the first run against the float64 reference and
 * times it. A kernel that faults kills only this process. Loads no GPU code.
 */
import { convWorkloadKey, errorToOneLine, mixSeed, numel, seededRng } from '@unet3d/core';
import { errorStats, randomFloat32, referenceConv } from '@unet3d/core/testing';
import { loadLibrary, pinLibrary } from '@unet3d/native';
import { serveWorker } from '../../measure/child-worker-pool.js';
import { passResultSize, sampledReference, samplePositions } from '../../measure/sampled-reference.js';
import { passOperandShapes } from '../../pass-operands.js';
import { gemmProblem, kernelOperands } from '../../templates/problem.js';
import type { CpuMeasureReply, CpuMeasureRequest } from './cpu-measure-protocol.js';

/** Tasks whose full float64 reference is cheap enough (multiply-accumulates). */
const FULL_REFERENCE_MACS = 2e8;
const SAMPLES = 384;
/** Minimum length of one timing round, ms. */
const ROUND_MS = 25;

interface TaskData {
  A: Float32Array;
  B: Float32Array;
  out: Float32Array;
  positions: number[] | undefined;
  reference: Float64Array;
}
const tasks = new Map<string, TaskData>();

// Pin OpenMP's runtime for the life of the process: unloading a kernel must never unload libgomp while its
// thread pool is alive (that crashes at the next fork/exit). Not GNU OpenMP (clang's libomp, or no OpenMP):
// nothing to pin.
pinLibrary('libgomp.so.1');

function taskData(req: CpuMeasureRequest): TaskData {
  const have = tasks.get(req.taskId);
  if (have) return have;
  tasks.clear();
  const rng = seededRng(mixSeed(req.seed, 17));
  const [sa, sb] = passOperandShapes(req.workload, req.pass);
  const a = randomFloat32(rng, numel(sa));
  const b = randomFloat32(rng, numel(sb));
  const p = gemmProblem(req.workload, req.pass);
  const [A, B] = kernelOperands(p, req.workload.spec.transposed, a, b);
  const size = passResultSize(req.pass, req.workload);
  let positions: number[] | undefined;
  let reference: Float64Array;
  if (p.gemmM * p.gemmN * p.gemmK <= FULL_REFERENCE_MACS) {
    reference = referenceConv(req.pass, req.workload, a, b);
  } else {
    positions = samplePositions(size, SAMPLES, rng);
    reference = sampledReference(req.pass, req.workload, a, b, positions);
  }
  const d: TaskData = { A, B, out: new Float32Array(size), positions, reference };
  tasks.set(req.taskId, d);
  return d;
}

function measure(req: CpuMeasureRequest): CpuMeasureReply {
  const d = taskData(req);
  let lib: ReturnType<typeof loadLibrary>;
  try {
    lib = loadLibrary(req.soPath);
  } catch (err) {
    return { ok: false, error: 'RUNTIME_DEVICE', message: errorToOneLine(err) };
  }
  try {
    const f = lib.func(`void ${req.fn}(const float* A, const float* B, float* C)`);
    let maxRelError: number | undefined;
    if (req.check) {
      d.out.fill(Number.NaN);
      f(d.A, d.B, d.out);
      let nan = -1;
      for (let i = 0; i < d.out.length; i++)
        if (Number.isNaN(d.out[i]!)) {
          nan = i;
          break;
        }
      if (nan >= 0) {
        return { ok: false, error: 'WRONG_ANSWER', message: `element ${nan} not written (NaN)` };
      }
      const got = d.positions ? d.positions.map((i) => d.out[i]!) : d.out;
      maxRelError = errorStats(got, d.reference).maxRelError;
      if (!(maxRelError <= req.tolerance)) {
        return {
          ok: false,
          error: 'WRONG_ANSWER',
          message: `max relative error ${maxRelError.toExponential(2)} against the float64 reference of ${convWorkloadKey(req.workload)} ${req.pass}`,
        };
      }
    } else {
      f(d.A, d.B, d.out); // warm-up
    }
    // Each round runs the kernel until it has taken ≥ ROUND_MS (at least once) and keeps its fastest run:
    // robust to the preemption a shared machine inflicts on a 2-thread OpenMP kernel.
    const costsMs: number[] = [];
    for (let r = 0; r < req.repeats; r++) {
      let best = Number.POSITIVE_INFINITY;
      const start = performance.now();
      do {
        const t0 = performance.now();
        f(d.A, d.B, d.out);
        best = Math.min(best, performance.now() - t0);
      } while (performance.now() - start < ROUND_MS);
      costsMs.push(best);
    }
    return { ok: true, costsMs, ...(maxRelError !== undefined ? { maxRelError } : {}) };
  } catch (err) {
    return { ok: false, error: 'RUNTIME_DEVICE', message: errorToOneLine(err) };
  } finally {
    // Free the kernel's scratch; the code stays mapped (unloading code OpenMP's pool has run is unsafe).
    lib.func(`void ${req.fn}_release(void)`)();
  }
}

serveWorker<CpuMeasureRequest, CpuMeasureReply>(measure);
