import { ConfigError, type HostArray, type Shape } from '@unet3d/core';
import type { NamedTensor } from './parameters.js';

export const TRAINER_STATE_VERSION = 1;

/** Everything needed to resume training: weights, BN running statistics, Adam moments and step. */
export interface TrainerState {
  readonly version: number;
  /** Adam steps taken so far (= training iterations completed). */
  readonly step: number;
  readonly tensors: ReadonlyArray<{ readonly name: string; readonly shape: Shape; readonly data: HostArray }>;
}

/** Check that a state holds exactly the expected tensors; returns them by name. */
export function indexState(
  state: TrainerState,
  expected: readonly NamedTensor[],
): Map<string, TrainerState['tensors'][number]> {
  if (state.version !== TRAINER_STATE_VERSION) {
    throw new ConfigError(
      `trainer state version ${state.version} is not supported (expected ${TRAINER_STATE_VERSION})`,
    );
  }
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new ConfigError(`trainer state has an invalid step ${state.step}`);
  }
  const byName = new Map(state.tensors.map((t) => [t.name, t]));
  const missing = expected.filter((t) => !byName.has(t.name)).map((t) => t.name);
  const known = new Set(expected.map((t) => t.name));
  const extra = state.tensors.filter((t) => !known.has(t.name)).map((t) => t.name);
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length ? `missing ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}` : '',
      extra.length ? `unexpected ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', …' : ''}` : '',
    ].filter(Boolean);
    throw new ConfigError(
      `trainer state does not match the network (${parts.join('; ')})`,
      'the checkpoint was written for another model or channel configuration',
    );
  }
  return byName;
}
