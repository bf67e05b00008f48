export { CpuDevice, type CpuDeviceOptions, type CpuMemoryStats } from './cpu-device.js';
export { asCpu, type CpuPrecision, CpuTensor } from './cpu-tensor.js';
