import type { Tensor } from './tensor.js';

export interface BatchNormOptions {
  /** Weight of the new batch statistic in the running average (PyTorch's momentum), default 0.1. */
  momentum: number;
  eps: number;
}

export interface BatchNormSaved {
  /** Per-channel batch mean and 1/sqrt(var + eps), kept for backward. */
  mean: Tensor;
  invStd: Tensor;
}

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based step count, for bias correction. */
  step: number;
}
