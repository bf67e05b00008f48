/** Importing this module registers the cuDNN backend under the name 'cudnn'. */
import { registerBackend } from '@unet3d/core';
import { cudnnRegistration } from './registration.js';

registerBackend(cudnnRegistration);
