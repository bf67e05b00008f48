import { describe, expect, it } from 'vitest';
import { fakeProbe } from '../testing/fake-probe.js';
import { findCompanions, planLibrarySearch } from './library-finder.js';
import { CUDA_DRIVER_LIBRARY, CUDNN_LIBRARY, NVRTC_LIBRARY } from './library-specs.js';
import { parseLdconfig } from './system-probe.js';

const SITE = '/usr/lib/python3.12/site-packages';

describe('planLibrarySearch', () => {
  it('orders option, env, LD_LIBRARY_PATH, ldconfig, CUDA_HOME, /usr/local/cuda*, pip, system, dlopen', () => {
    const files = [
      '/opt/mine/libcudnn.so.9',
      '/env/cudnn/libcudnn.so.9',
      '/ld/path/libcudnn.so.9',
      '/cache/libcudnn.so.9',
      '/home-cuda/lib64/libcudnn.so.9',
      '/usr/local/cuda/lib64/libcudnn.so.9',
      '/usr/local/cuda-12.4/lib64/libcudnn.so.9',
      '/usr/local/cuda-13.0/lib64/libcudnn.so.9',
      `${SITE}/nvidia/cudnn/lib/libcudnn.so.9`,
      '/usr/lib/x86_64-linux-gnu/libcudnn.so.9',
    ];
    const probe = fakeProbe(files, {
      env: { UNET3D_CUDNN_LIB_DIR: '/env/cudnn', LD_LIBRARY_PATH: '/ld/path:', CUDA_HOME: '/home-cuda' },
      ldconfig: ['/cache/libcudnn.so.9', '/cache/libother.so.1'],
      site: [SITE],
    });
    const plan = planLibrarySearch(CUDNN_LIBRARY, probe, { dirs: ['/opt/mine'] });
    expect(plan.candidates.map((c) => c.path)).toEqual([
      '/opt/mine/libcudnn.so.9',
      '/env/cudnn/libcudnn.so.9',
      '/ld/path/libcudnn.so.9',
      '/cache/libcudnn.so.9',
      '/home-cuda/lib64/libcudnn.so.9',
      '/usr/local/cuda/lib64/libcudnn.so.9',
      '/usr/local/cuda-13.0/lib64/libcudnn.so.9',
      '/usr/local/cuda-12.4/lib64/libcudnn.so.9',
      `${SITE}/nvidia/cudnn/lib/libcudnn.so.9`,
      '/usr/lib/x86_64-linux-gnu/libcudnn.so.9',
      'libcudnn.so.9',
      'libcudnn.so',
    ]);
    expect(plan.candidates[1]!.source).toBe('$UNET3D_CUDNN_LIB_DIR');
    expect(plan.candidates[8]!.source).toBe('pip wheel');
  });

  it('prefers the newest soname in a folder and reports unset env vars', () => {
    const probe = fakeProbe(['/x/libnvrtc.so.12', '/x/libnvrtc.so.13'], {
      env: { UNET3D_CUDA_LIB_DIR: '/x' },
    });
    const plan = planLibrarySearch(NVRTC_LIBRARY, probe);
    expect(plan.candidates[0]!.path).toBe('/x/libnvrtc.so.13');
    expect(plan.candidates[1]!.path).toBe('/x/libnvrtc.so.12');
    expect(plan.searched).toContain('$UNET3D_NVRTC_LIB_DIR (unset)');
    expect(plan.searched).toContain('/x ($UNET3D_CUDA_LIB_DIR)');
  });

  it('finds CUDA 13 pip wheels (nvidia/cu13/lib) by globbing python prefixes without a python', () => {
    const lib = '/home/u/.local/lib/python3.11/site-packages/nvidia/cu13/lib/libnvrtc.so.13';
    const plan = planLibrarySearch(NVRTC_LIBRARY, fakeProbe([lib]));
    expect(plan.candidates[0]).toEqual({ path: lib, source: 'pip wheel' });
  });

  it('never searches pip for the driver, nor the toolkit stubs', () => {
    const probe = fakeProbe(
      ['/usr/local/cuda/lib64/stubs/libcuda.so', `${SITE}/nvidia/cuda_runtime/lib/libcuda.so.1`],
      {
        site: [SITE],
      },
    );
    const plan = planLibrarySearch(CUDA_DRIVER_LIBRARY, probe);
    expect(plan.candidates.map((c) => c.path)).toEqual(['libcuda.so.1', 'libcuda.so']);
    expect(plan.searched.some((s) => s.includes('stubs'))).toBe(false);
  });

  it('lists companions next to the library', () => {
    const dir = `${SITE}/nvidia/cudnn/lib`;
    const probe = fakeProbe([
      `${dir}/libcudnn.so.9`,
      `${dir}/libcudnn_cnn.so.9`,
      `${dir}/libcudnn_graph.so.9`,
    ]);
    expect(findCompanions(CUDNN_LIBRARY, `${dir}/libcudnn.so.9`, probe)).toEqual([
      `${dir}/libcudnn_graph.so.9`,
      `${dir}/libcudnn_cnn.so.9`,
    ]);
    const nv = fakeProbe(['/c/lib64/libnvrtc.so.13', '/c/lib64/libnvrtc-builtins.so.13.0']);
    expect(findCompanions(NVRTC_LIBRARY, '/c/lib64/libnvrtc.so.13', nv)).toEqual([
      '/c/lib64/libnvrtc-builtins.so.13.0',
    ]);
    expect(findCompanions(CUDNN_LIBRARY, 'libcudnn.so.9', probe)).toEqual([]);
  });
});

describe('parseLdconfig', () => {
  it('extracts the paths', () => {
    const out =
      "3 libs found in cache `/etc/ld.so.cache'\n\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1\n\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6\n";
    expect(parseLdconfig(out)).toEqual([
      '/usr/lib/x86_64-linux-gnu/libcuda.so.1',
      '/lib/x86_64-linux-gnu/libc.so.6',
    ]);
  });
});
