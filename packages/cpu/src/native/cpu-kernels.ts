import {
  buildFlags,
  buildSharedObjectSync,
  type CCompiler,
  DEFAULT_FLAGS,
  findCompiler,
  loadLibrary,
  type NativeFunction,
} from '@unet3d/native';
import { CPU_KERNELS_SOURCE } from './cpu-kernels-source.js';

/** Flags of the CPU op kernels: DEFAULT_FLAGS, plus no errno / trapping math so selects and sqrt vectorise. */
export const CPU_KERNEL_FLAGS: readonly string[] = [
  ...DEFAULT_FLAGS,
  '-fno-math-errno',
  '-fno-trapping-math',
];

type Fn = (...args: unknown[]) => unknown;

/** The bound C functions of CPU_KERNELS_SOURCE (argument order as in the C source). */
export interface CpuKernels {
  readonly add: Fn;
  readonly addInto: Fn;
  readonly elu: Fn;
  readonly eluBackward: Fn;
  readonly biasAddInto: Fn;
  readonly biasGrad: Fn;
  readonly bnTrain: Fn;
  readonly bnInfer: Fn;
  readonly bnBackward: Fn;
  readonly biasBnEluTrain: Fn;
  readonly bnEluBackward: Fn;
  readonly biasElu: Fn;
  readonly eluBackwardBiasGrad: Fn;
  readonly maxPool2x: Fn;
  readonly maxPool2xBackward: Fn;
  readonly upsample2x: Fn;
  readonly upsample2xBackward: Fn;
  readonly sigmoidBce: Fn;
  readonly adam: Fn;
  readonly adamAll: Fn;
}

/** How the kernels were built, for the device's describe(). */
export interface CpuKernelsInfo {
  compiler: string;
  flags: string;
  threads: number;
  /**
   * Whether the ops drop to one thread while the 1-minute load average exceeds the CPUs + 0.5 (the load guard
   * of team() in kernels/prelude.ts; off with UNET3D_CPU_LOAD_GUARD=0, as inside a benchmark).
   */
  loadGuard: boolean;
  /** ms of this build (compile, or cache lookup) */
  buildMs: number;
  cached: boolean;
  path: string;
}

const F = 'float *';
const I = 'int64_t';
const D = 'double';

const PROTOTYPES: Record<keyof CpuKernels, [string, string, string[]]> = {
  add: ['unet3d_add', 'void', [F, F, F, I]],
  addInto: ['unet3d_add_into', 'void', [F, F, I]],
  elu: ['unet3d_elu', 'void', [F, F, I, D]],
  eluBackward: ['unet3d_elu_backward', 'void', [F, F, F, I, D]],
  biasAddInto: ['unet3d_bias_add_into', 'void', [F, F, I, I, I]],
  biasGrad: ['unet3d_bias_grad', 'void', [F, F, I, I, I]],
  bnTrain: ['unet3d_bn_train', 'void', [F, F, I, I, I, F, F, F, F, F, F, D, D]],
  bnInfer: ['unet3d_bn_infer', 'void', [F, F, I, I, I, F, F, F, F, D]],
  bnBackward: ['unet3d_bn_backward', 'void', [F, F, F, I, I, I, F, F, F, F, F]],
  biasBnEluTrain: ['unet3d_bias_bn_elu_train', 'void', [F, F, F, F, F, I, I, I, F, F, F, F, F, F, D, D, D]],
  bnEluBackward: ['unet3d_bn_elu_backward', 'void', [F, F, F, F, I, I, I, F, F, F, F, F, D]],
  biasElu: ['unet3d_bias_elu', 'void', [F, F, F, I, I, I, D]],
  eluBackwardBiasGrad: ['unet3d_elu_backward_bias_grad', 'void', [F, F, F, F, I, I, I, D]],
  maxPool2x: ['unet3d_maxpool2x', 'void', [F, F, F, I, I, I, I]],
  maxPool2xBackward: ['unet3d_maxpool2x_backward', 'void', [F, F, F, I, I, I, I]],
  upsample2x: ['unet3d_upsample2x', 'void', [F, F, I, I, I, I]],
  upsample2xBackward: ['unet3d_upsample2x_backward', 'void', [F, F, I, I, I, I]],
  sigmoidBce: ['unet3d_sigmoid_bce', 'double', [F, F, F, F, I, 'double *']],
  adam: ['unet3d_adam', 'void', [F, F, F, F, I, D, D, D, D, D]],
  adamAll: [
    'unet3d_adam_all',
    'void',
    ['float **', 'float **', 'float **', 'float **', 'int64_t *', 'int', D, D, D, D, D],
  ],
};

/**
 * Build (or take from the cache) the one shared object of every CPU op kernel and bind its functions.
 * Throws NativeUnavailableError without a compiler, CompileError (naming 'cpu-ops', the compiler and its first
 * error line) when the source does not build.
 */
export function loadCpuKernels(
  options: { compiler?: CCompiler; cacheDir?: string; source?: string; threads?: number } = {},
): {
  kernels: CpuKernels;
  info: CpuKernelsInfo;
} {
  const compiler = options.compiler ?? findCompiler();
  const req = {
    name: 'cpu-ops',
    source: options.source ?? CPU_KERNELS_SOURCE,
    flags: [...CPU_KERNEL_FLAGS],
    openmp: true,
  };
  const built = buildSharedObjectSync(req, {
    compiler,
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  });
  const lib = loadLibrary(built.path);
  const bound = {} as Record<keyof CpuKernels, NativeFunction>;
  for (const [key, [name, ret, params]] of Object.entries(PROTOTYPES)) {
    bound[key as keyof CpuKernels] = lib.func(name, ret, params);
  }
  if (options.threads !== undefined)
    (lib.func('unet3d_set_threads', 'void', ['int']) as (n: number) => void)(options.threads);
  const threads = (lib.func('unet3d_threads', 'int', []) as () => number)();
  const loadGuard = (lib.func('unet3d_load_guard', 'int', []) as () => number)() !== 0;
  return {
    kernels: bound as unknown as CpuKernels,
    info: {
      compiler: `${compiler.family} ${compiler.version}`,
      flags: buildFlags(req, compiler).join(' '),
      threads,
      loadGuard,
      buildMs: Math.round(built.buildMs),
      cached: built.cached,
      path: built.path,
    },
  };
}
