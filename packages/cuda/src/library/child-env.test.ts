import { describe, expect, it } from 'vitest';
import { fakeProbe } from '../testing/fake-probe.js';
import { cudaChildEnv } from './child-env.js';

describe('cudaChildEnv', () => {
  it('puts the found folders (and pip siblings) first on LD_LIBRARY_PATH', () => {
    const site = '/venv/lib/python3.12/site-packages';
    const probe = fakeProbe(
      [
        `${site}/nvidia/cudnn/lib/libcudnn.so.9`,
        `${site}/nvidia/cublas/lib/libcublasLt.so.12`,
        '/usr/local/cuda-13.0/lib64/libnvrtc.so.13',
        '/usr/lib/x86_64-linux-gnu/libcuda.so.1',
      ],
      { env: { LD_LIBRARY_PATH: '/keep/me', VIRTUAL_ENV: '/venv' } },
    );
    const env = cudaChildEnv({}, probe);
    expect(env.LD_LIBRARY_PATH.split(':')).toEqual([
      '/usr/lib/x86_64-linux-gnu',
      '/usr/local/cuda-13.0/lib64',
      `${site}/nvidia/cudnn/lib`,
      `${site}/nvidia/cublas/lib`,
      '/keep/me',
    ]);
  });

  it('keeps the existing path when nothing is found', () => {
    expect(cudaChildEnv({}, fakeProbe([], { env: { LD_LIBRARY_PATH: '/a:/b' } }))).toEqual({
      LD_LIBRARY_PATH: '/a:/b',
    });
  });
});
