/**
 * @unet3d/backend-tvm: AutoTVM's method rebuilt in TypeScript — conv kernel templates for two targets (CUDA
 * kernels, and C for the CPU), task, space, tuners, measure, records — and ConvBackends applying the best
 * tuned configs (`tvm` on CUDA, `tvm-cpu` on the CPU). Importing this module has no side effects and loads
 * neither @unet3d/cuda nor a C compiler; `@unet3d/backend-tvm/register` registers both backends, and
 * `@unet3d/backend-tvm/testing` holds test helpers.
 */

export { defaultConfig } from './autotvm/default-config.js';
export { gemmFeatures, knobFeatures, taskWorkloadFeatures } from './autotvm/features.js';
export { ApplyHistoryBest, type ChosenConfig } from './autotvm/history-best.js';
export {
  type MeasureErrorCode,
  MeasureErrorNo,
  type MeasureResult,
  meanCost,
  measureErrorName,
} from './autotvm/measure-error.js';
export type { Measurer } from './autotvm/measurer.js';
export { gitCommit } from './autotvm/provenance.js';
export {
  appendRecords,
  parseLog,
  pickBest,
  RECORD_VERSION,
  type RecordProvenance,
  readLog,
  type TuningRecord,
  taskKeyOf,
} from './autotvm/record.js';
export { ConfigSpace, type Knob, type KnobValues } from './autotvm/space.js';
export type { TargetName, TargetSpec, TargetTemplate } from './autotvm/target.js';
export { createTask, instantiate, kernelName, type TuningTask } from './autotvm/task.js';
export {
  type PlanBudget,
  type PlannedTask,
  type PlanTask,
  planTrials,
} from './autotvm/trial-plan.js';
export {
  makeTuner,
  TUNE_SCHEDULES,
  TUNER_NAMES,
  type TunerName,
  type TuneSchedule,
  type TuneWorkloadsOptions,
  type TuneWorkloadsSummary,
  tuneWorkloads,
} from './autotvm/tune.js';
export { foreignSeeds, type TuneProgress, type TuneTaskResult, tuneTask } from './autotvm/tune-task.js';
export { GaTuner } from './autotvm/tuner/ga-tuner.js';
export { ModelTuner } from './autotvm/tuner/model-tuner.js';
export { RandomTuner } from './autotvm/tuner/random-tuner.js';
export { Tuner } from './autotvm/tuner/tuner.js';
export {
  type AppliedConfig,
  type ConfigSource,
  type ConfigSources,
  configSourceOf,
  configSources,
} from './config-sources.js';
export { passOperandShapes } from './pass-operands.js';
export { type CpuMeasureOptions, CpuMeasurer, DEFAULT_CPU_MEASURE } from './targets/cpu/cpu-measurer.js';
export { type CpuFeatureFacts, cpuLimitsFromFeatures, cpuSlug, cpuTarget } from './targets/cpu/cpu-target.js';
export {
  CPU_FLAGS,
  type CpuConvTemplate,
  type CpuKernelSource,
  type CpuLimits,
  cpuTemplateFor,
} from './targets/cpu/cpu-template.js';
export {
  cpuTuningDir,
  cpuTuningFolders,
  nearestCpuWithLogs,
  type TuningFolder,
  tuningFolderIdentity,
  tuningFromLogs,
  tuningLogsIn,
  tuningLogsOf,
} from './targets/cpu/cpu-tuning-logs.js';
export { CudaChildMeasurer, createGpuMeasurer } from './targets/cuda/cuda-child-measurer.js';
export {
  DEFAULT_GPU_MEASURE,
  type GpuMeasureOptions,
  GpuMeasurer,
  referenceKernelSource,
  TOLERANCE,
} from './targets/cuda/cuda-measurer.js';
export { type CudaKernelRuntime, createCudaKernelRuntime } from './targets/cuda/cuda-runtime.js';
export { cudaTarget } from './targets/cuda/cuda-target.js';
export { cudaTuningDir, cudaTuningLogs, tunedGpuIdentity } from './targets/cuda/cuda-tuning-logs.js';
export type * from './targets/cuda/kernel-interfaces.js';
export { MEASURE_WORKERS, type MeasureWorkerName, measureWorkerPath } from './targets/worker-path.js';
export { type GemmConvProblem, gemmProblem } from './templates/problem.js';
export { TEMPLATES, templateForPrecision } from './templates/registry.js';
export { DEFAULT_LIMITS, type DeviceLimits, type KernelSource } from './templates/template.js';
export { type TvmBackendOptions, TvmConvBackend, tvmOptionsFromExtra } from './tvm-conv-backend.js';
export {
  cpuTuningLogs,
  type TvmCpuBackendOptions,
  TvmCpuConvBackend,
  tvmCpuOptionsFromExtra,
} from './tvm-cpu-backend.js';
export { networkConvTaskUses, networkConvWorkloads } from './workloads.js';
