export { CpuDevice, type CpuDeviceOptions } from './cpu-device.js';
export { asCpu, type CpuPrecision, CpuTensor } from './cpu-tensor.js';
