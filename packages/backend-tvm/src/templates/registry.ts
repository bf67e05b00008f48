import type { MathMode } from '@unet3d/core';
import { simtTemplate } from './simt-template.js';
import type { ConvTemplate, TemplateName } from './template.js';
import { wmmaTemplate } from './wmma-template.js';

export const TEMPLATES: Readonly<Record<TemplateName, ConvTemplate>> = {
  simt: simtTemplate,
  wmma: wmmaTemplate,
};

/** fp32 runs on CUDA cores (what the paper tuned); tf32 and bf16 use the tensor-core template. */
export function templateForPrecision(precision: MathMode): ConvTemplate {
  return precision === 'fp32' ? simtTemplate : wmmaTemplate;
}
