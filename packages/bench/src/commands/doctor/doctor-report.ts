import { errorToOneLine } from '@unet3d/core';
import {
  type CpuFeatures,
  DEFAULT_FLAGS,
  detectCpuFeatures,
  findCompiler,
  isaLimitFlags,
  measureCpuProfile,
  resolvedTargetFlags,
} from '@unet3d/native';
import { type CpuIdentity, describeIdentity } from '@unet3d/results';
import { loadCudaModule } from '../../cuda-module.js';
import { probeNvidiaDriver } from '../../nvidia-driver.js';

/** What `unet3d doctor` found, section by section (`--json` prints exactly this). */
export interface DoctorReport {
  identity: {
    slug: string;
    description: string;
    identity: CpuIdentity;
    modelName: string;
    /** The ISA the hardware has, and the UNET3D_CPU_FEATURES override that narrowed it (null: none). */
    hardwareIsa: string;
    override: string | null;
    source: string;
  };
  kernels: {
    compiler: string | null;
    openmp: boolean | null;
    /** Flags of every native build, and the target `-march=native` resolves to on this CPU. */
    flags: string[];
    resolvedTarget: string | null;
    vectorWidthFp32: number;
    /** SIMD registers the register-tiled templates plan for (32 with AVX-512 or NEON, else 16). */
    registers: number;
    problem: string | null;
  };
  roofs: {
    peakFp32GflopPerSecond: number | null;
    copyGBPerSecond: number | null;
    threads: number | null;
    problem: string | null;
  };
  tuning: TuningLogPlan;
  gpu: { driver: string; usable: boolean; detail: string };
  quiet: QuietVerdict;
}

/** Which tuning log row 4 (tvm-cpu) would apply here, and from where. */
export interface TuningLogPlan {
  slug: string;
  logs: string[];
  /** One line: what row 4 applies, or what `pnpm bench` would do first. */
  summary: string;
}

export interface QuietVerdict {
  quiet: boolean | null;
  summary: string;
  reading: Record<string, unknown> | null;
}

function resolvedMarch(text: string): string | null {
  // gcc echoes the driver's own `-march=native` before its compiler proper's resolved `-march=znver4`.
  const march = [...text.matchAll(/-march=([\w.-]+)/g)].map((m) => m[1]).find((v) => v !== 'native');
  return march ?? /-target-cpu"? "?([\w.-]+)/.exec(text)?.[1] ?? (text.startsWith('cpu:') ? text : null);
}

/** Identity and the ISA path of the kernels (no build, no measurement). */
export function identitySection(features: CpuFeatures): DoctorReport['identity'] {
  return {
    slug: features.slug,
    description: describeIdentity(features.identity),
    identity: features.identity,
    modelName: features.modelName,
    hardwareIsa: features.hardwareIsa,
    override: features.override,
    source: features.source,
  };
}

export function kernelsSection(features: CpuFeatures): DoctorReport['kernels'] {
  const registers = features.avx512f || features.neon ? 32 : 16;
  const flags = [...DEFAULT_FLAGS, ...isaLimitFlags(features)];
  try {
    const cc = findCompiler();
    return {
      compiler: `${cc.path} (${cc.versionText})`,
      openmp: cc.supportsOpenMp,
      flags,
      resolvedTarget: resolvedMarch(resolvedTargetFlags(cc, flags)),
      vectorWidthFp32: features.vectorWidthFp32,
      registers,
      problem: null,
    };
  } catch (err) {
    return {
      compiler: null,
      openmp: null,
      flags,
      resolvedTarget: null,
      vectorWidthFp32: features.vectorWidthFp32,
      registers,
      problem: errorToOneLine(err),
    };
  }
}

/** The measured fp32 peak (FMA loop) and copy bandwidth: about a second. */
export async function roofsSection(): Promise<DoctorReport['roofs']> {
  try {
    const p = await measureCpuProfile({ peakSeconds: 0.1, reps: 3 });
    return {
      peakFp32GflopPerSecond: p.peakFp32FlopsPerSec / 1e9,
      copyGBPerSecond: p.bandwidthBytesPerSec.copy / 1e9,
      threads: p.threads,
      problem: null,
    };
  } catch (err) {
    return {
      peakFp32GflopPerSecond: null,
      copyGBPerSecond: null,
      threads: null,
      problem: errorToOneLine(err),
    };
  }
}

/** Whether the CUDA stack is usable: the cheap driver check first, then @unet3d/cuda if it is installed. */
export async function gpuSection(): Promise<DoctorReport['gpu']> {
  const driver = probeNvidiaDriver();
  if (!driver.present) return { driver: 'none', usable: false, detail: driver.reason };
  try {
    const cuda = await loadCudaModule();
    const a = cuda.cudaAvailability();
    return a.available
      ? {
          driver: driver.evidence,
          usable: true,
          detail: `${a.deviceCount} device(s), driver CUDA ${a.driverVersion}`,
        }
      : { driver: driver.evidence, usable: false, detail: a.reason };
  } catch (err) {
    return { driver: driver.evidence, usable: false, detail: errorToOneLine(err) };
  }
}

export function detectFeatures(): CpuFeatures {
  return detectCpuFeatures();
}
