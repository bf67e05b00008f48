import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cheapUnavailability } from './backends.js';
import { probeNvidiaDriver } from './nvidia-driver.js';

describe('probeNvidiaDriver (files only, no CUDA stack)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'unet3d-nvidia-probe-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the kernel module file on Linux, WSL 2 libcuda with /dev/dxg, and nothing in an empty root', async () => {
    const none = join(root, 'none');
    await mkdir(none);
    const linux = join(root, 'linux');
    await mkdir(join(linux, 'proc/driver/nvidia'), { recursive: true });
    await writeFile(join(linux, 'proc/driver/nvidia/version'), 'NVRM version: 580.65\n');
    const wsl = join(root, 'wsl');
    await mkdir(join(wsl, 'usr/lib/wsl/lib'), { recursive: true });
    await mkdir(join(wsl, 'dev'), { recursive: true });
    await writeFile(join(wsl, 'usr/lib/wsl/lib/libcuda.so.1'), '');
    const wslNoDxg = join(root, 'wsl-no-dxg');
    await mkdir(join(wslNoDxg, 'usr/lib/wsl/lib'), { recursive: true });
    await writeFile(join(wslNoDxg, 'usr/lib/wsl/lib/libcuda.so.1'), '');
    await writeFile(join(wsl, 'dev/dxg'), '');
    const env = {};
    expect(probeNvidiaDriver({ root: none, platform: 'linux', env })).toEqual({
      present: false,
      reason: expect.stringMatching(/^no NVIDIA driver \(no \/proc\/driver\/nvidia\/version\)/),
    });
    expect(probeNvidiaDriver({ root: linux, platform: 'linux', env })).toEqual({
      present: true,
      evidence: join(linux, 'proc/driver/nvidia/version'),
    });
    expect(probeNvidiaDriver({ root: wsl, platform: 'linux', env }).present).toBe(true);
    expect(probeNvidiaDriver({ root: wslNoDxg, platform: 'linux', env }).present).toBe(false);
    expect(probeNvidiaDriver({ root: none, platform: 'darwin', env }).present).toBe(false);
    // The user's own pointer at libcuda counts (the same override @unet3d/cuda reads).
    expect(
      probeNvidiaDriver({ root: none, platform: 'linux', env: { UNET3D_CUDA_LIB_DIR: '/x' } }).present,
    ).toBe(true);
  });

  it('rules out only CUDA backends, with the probe reason', () => {
    const saved = process.env['UNET3D_NVIDIA_PROBE_ROOT'];
    const savedDir = process.env['UNET3D_CUDA_LIB_DIR'];
    process.env['UNET3D_NVIDIA_PROBE_ROOT'] = join(root, 'none');
    delete process.env['UNET3D_CUDA_LIB_DIR'];
    try {
      if (process.platform === 'linux') {
        expect(cheapUnavailability('cudnn')).toMatch(/^no NVIDIA driver/);
        expect(cheapUnavailability('tvm')).toMatch(/^no NVIDIA driver/);
      }
      expect(cheapUnavailability('onnxruntime')).toBeNull();
      expect(cheapUnavailability('tvm-cpu')).toBeNull();
      process.env['UNET3D_NVIDIA_PROBE_ROOT'] = join(root, 'linux');
      expect(cheapUnavailability('cudnn')).toBeNull();
    } finally {
      if (saved === undefined) delete process.env['UNET3D_NVIDIA_PROBE_ROOT'];
      else process.env['UNET3D_NVIDIA_PROBE_ROOT'] = saved;
      if (savedDir !== undefined) process.env['UNET3D_CUDA_LIB_DIR'] = savedDir;
    }
  });
});
