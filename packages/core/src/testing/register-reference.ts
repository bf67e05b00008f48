/**
 * Importing this module registers the float64 reference convolution as the backend 'reference' (CPU device).
 * It is the oracle, not a product: slow, lowest priority, and `autoSelect: false`, so `auto` never picks it.
 */
import { registerBackend } from '../backend-registry.js';
import { createReferenceBackend } from './reference-backend.js';

registerBackend({
  name: 'reference',
  deviceKind: 'cpu',
  priority: -1,
  autoSelect: false,
  description: 'float64 reference convolution on the host (the oracle; slow, never chosen by auto)',
  create: async ({ device }) => createReferenceBackend(device),
});
