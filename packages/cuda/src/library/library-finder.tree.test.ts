import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceError } from '@unet3d/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CudaDriver } from '../driver/driver.js';
import { findCudaIncludeDir, planLibrarySearch } from './library-finder.js';
import { CUDA_DRIVER_LIBRARY, CUDNN_LIBRARY, NVRTC_LIBRARY } from './library-specs.js';
import { createSystemProbe } from './system-probe.js';

// Real directory trees in a temp folder, read by the real probe (its fixed places rooted there).
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'unet3d-finder-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function touch(rel: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  return file;
}

function probe(env: Record<string, string> = {}) {
  return createSystemProbe({ root, env, pythons: [], ldconfig: false, homeDir: path.join(root, 'home') });
}

describe('the finder on real directory trees', () => {
  it('finds the pip wheels of a virtual environment under /opt (/opt/torch/.venv, as on the GPU node)', () => {
    const site = 'opt/torch/.venv/lib/python3.12/site-packages';
    const cudnn = touch(`${site}/nvidia/cudnn/lib/libcudnn.so.9`);
    const nvrtc = touch(`${site}/nvidia/cu13/lib/libnvrtc.so.13`);
    touch('opt/torch/.venv/bin/python3');
    const p = probe();
    expect(planLibrarySearch(CUDNN_LIBRARY, p).candidates[0]).toEqual({ path: cudnn, source: 'pip wheel' });
    expect(planLibrarySearch(NVRTC_LIBRARY, p).candidates[0]).toEqual({ path: nvrtc, source: 'pip wheel' });
  });

  it('searches $VIRTUAL_ENV, then the python3 prefixes on PATH, then /opt/*/.venv, in that order', () => {
    const lib = 'lib/python3.11/site-packages/nvidia/cudnn/lib/libcudnn.so.9';
    const inVenv = touch(`work/env/${lib}`);
    const onPath = touch(`tools/py/${lib}`);
    touch('tools/py/bin/python3');
    touch('tools/nopy/bin/node');
    touch(`tools/nopy/${lib}`); // no python3 in its bin: not a python prefix
    const inOpt = touch(`opt/a/.venv/${lib}`);
    const plan = planLibrarySearch(
      CUDNN_LIBRARY,
      probe({
        VIRTUAL_ENV: path.join(root, 'work/env'),
        PATH: `${path.join(root, 'tools/nopy/bin')}:${path.join(root, 'tools/py/bin')}:relative/bin`,
      }),
    );
    const files = plan.candidates.filter((c) => c.path.startsWith('/')).map((c) => c.path);
    expect(files).toEqual([inVenv, onPath, inOpt]);
  });

  it('prefers the real driver over the toolkit compat/ libcuda, even when compat/ is on LD_LIBRARY_PATH', () => {
    const compat = touch('usr/local/cuda-13.0/compat/libcuda.so.1');
    const stub = touch('usr/local/cuda-13.0/lib64/stubs/libcuda.so');
    const real = touch('usr/lib/x86_64-linux-gnu/libcuda.so.1');
    const ld = `${path.dirname(compat)}:${path.dirname(stub)}`;
    const plan = planLibrarySearch(CUDA_DRIVER_LIBRARY, probe({ LD_LIBRARY_PATH: ld }));
    expect(plan.candidates.map((c) => c.path)).toEqual([real, compat, 'libcuda.so.1', 'libcuda.so']);
    // Asked for explicitly, compat/ comes first.
    const asked = planLibrarySearch(
      CUDA_DRIVER_LIBRARY,
      probe({ UNET3D_CUDA_LIB_DIR: path.dirname(compat) }),
    );
    expect(asked.candidates[0]!.path).toBe(compat);
  });

  it('finds the driver a container mounted under /usr/local/nvidia/lib64 (on no loader path)', () => {
    const mounted = touch('usr/local/nvidia/lib64/libcuda.so.1');
    const plan = planLibrarySearch(CUDA_DRIVER_LIBRARY, probe());
    expect(plan.candidates[0]).toEqual({ path: mounted, source: 'system' });
    // A libcuda in the distribution's own folder comes first.
    const distro = touch('usr/lib/x86_64-linux-gnu/libcuda.so.1');
    expect(
      planLibrarySearch(CUDA_DRIVER_LIBRARY, probe())
        .candidates.map((c) => c.path)
        .slice(0, 2),
    ).toEqual([distro, mounted]);
  });

  it("finds NVRTC's include folder holding mma.h and crt/mma.h: toolkit first, else a wheel's", () => {
    touch('home-cuda/include/cuda.h'); // $CUDA_HOME without mma.h is passed over
    const toolkit = touch('usr/local/cuda-13.0/include/mma.h');
    touch('usr/local/cuda-13.0/include/crt/mma.h');
    const wheel = 'opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/include';
    touch(`${wheel}/mma.h`);
    touch(`${wheel}/crt/mma.h`);
    const found = findCudaIncludeDir(probe({ CUDA_HOME: path.join(root, 'home-cuda') }));
    expect(found.dir).toBe(path.dirname(toolkit));
    expect(found.searched[0]).toBe(path.join(root, 'home-cuda/include'));
    rmSync(path.join(root, 'usr'), { recursive: true });
    expect(findCudaIncludeDir(probe()).dir).toBe(path.join(root, wheel));
    rmSync(path.join(root, 'opt'), { recursive: true });
    expect(findCudaIncludeDir(probe()).dir).toBeUndefined();
  });

  it('passes over a folder whose mma.h stub lacks crt/mma.h (a CUDA 13 wheel without crt/), naming it', () => {
    // $CUDA_HOME points at the wheel, so it is looked at first; the complete toolkit folder after it wins.
    const wheel = 'opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/include';
    touch(`${wheel}/mma.h`);
    touch(`${wheel}/cuda_fp16.h`);
    const toolkit = touch('usr/local/cuda-13.0/include/crt/mma.h');
    touch('usr/local/cuda-13.0/include/mma.h');
    const found = findCudaIncludeDir(probe({ CUDA_HOME: path.join(root, wheel, '..') }));
    expect(found.dir).toBe(path.dirname(path.dirname(toolkit)));
    expect(found.incomplete).toEqual([`${path.join(root, wheel)} (no crt/mma.h)`]);
    // Only the incomplete wheel left: no folder at all, and the wheel is named as incomplete.
    rmSync(path.join(root, 'usr'), { recursive: true });
    const none = findCudaIncludeDir(probe());
    expect(none.dir).toBeUndefined();
    expect(none.searched).toContain(path.join(root, wheel));
    expect(none.incomplete).toEqual([`${path.join(root, wheel)} (no crt/mma.h)`]);
    // crt/mma.h alone (no mma.h) is no include folder either.
    rmSync(path.join(root, wheel, 'mma.h'));
    touch(`${wheel}/crt/mma.h`);
    expect(findCudaIncludeDir(probe()).dir).toBeUndefined();
  });
});

describe('a libcuda that loads but lacks a symbol', () => {
  it('one line naming the file loaded, the symbol and what to do (real .so built with the C compiler)', () => {
    const src = path.join(root, 'old.c');
    // Has cuGetErrorName, cuGetErrorString and cuInit, not cuDriverGetVersion (the 4th symbol bound).
    writeFileSync(
      src,
      'int cuGetErrorName(int e, const char **s) { return 1; }\n' +
        'int cuGetErrorString(int e, const char **s) { return 1; }\n' +
        'int cuInit(unsigned int f) { return 0; }\n',
    );
    const so = path.join(root, 'old', 'libcuda.so.1');
    mkdirSync(path.dirname(so));
    execFileSync('cc', ['-shared', '-fPIC', '-o', so, src]);
    let err: unknown;
    try {
      CudaDriver.load({ libraryFiles: { cuda: so } }, probe());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeviceError);
    const line = (err as DeviceError).toOneLine();
    expect(line).toContain(`loaded from ${so} lacks the symbol cuDriverGetVersion`);
    expect(line).toMatch(/update the NVIDIA driver.*UNET3D_CUDA_LIB_DIR/);
    expect(line).not.toMatch(/\n/);
  });
});
