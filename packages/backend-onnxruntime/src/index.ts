export { type OrtBackendOptions, OrtConvBackend } from './ort-backend.js';
export { type Formulation, type PassPlan, type PlanOptions, planPass } from './plan.js';
