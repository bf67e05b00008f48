export { Adam, type AdamConfig, adamConfig, DEFAULT_ADAM } from './adam.js';
export { isHostArray, type TensorLike } from './batch.js';
export { convFanIn } from './init.js';
export type { NamedTensor } from './parameters.js';
export { assertTrainable, type ExecutionPlan, INPUT, planNetwork } from './plan.js';
export { TRAINER_STATE_VERSION, type TrainerState } from './state.js';
export type { LayerTiming, TimingHook, TimingPass } from './timing.js';
export {
  type Batch,
  createTrainer,
  type GradientResult,
  type StepResult,
  type Trainer,
  type TrainerOptions,
} from './trainer.js';
