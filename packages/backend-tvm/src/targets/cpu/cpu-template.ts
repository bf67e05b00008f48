import type { GemmConvProblem } from '../../templates/problem.js';
import { dataTemplate } from './cpu-data-template.js';
import type { CpuConvTemplate } from './cpu-template-types.js';
import { wgradTemplate } from './cpu-wgrad-template.js';

export { CPU_FLAGS } from './cpu-codegen.js';
export type { CpuConvTemplate, CpuKernelSource, CpuLimits } from './cpu-template-types.js';

/** The CPU template for a problem kind. */
export function cpuTemplateFor(p: GemmConvProblem): CpuConvTemplate {
  return p.kind === 'wgrad' ? wgradTemplate : dataTemplate;
}
