import { describe, expect, it } from 'vitest';
import {
  autoBackendNames,
  BackendUnavailableError,
  registerBackend,
  resolveCandidates,
} from './backend-registry.js';
import type { DeviceKind } from './device.js';
import { hostDevice } from './testing/host-device.test-helpers.js';
import './testing/register-reference.js';

// An error path only: a backend whose creation always fails, as a GPU backend does on a machine without one.
registerBackend({
  name: 'test-unavailable',
  deviceKind: 'cpu',
  priority: 5,
  description: 'always fails (test)',
  create: async () => {
    throw new Error('no such device here');
  },
});

describe('resolveCandidates', () => {
  it('returns the first candidate that can be created and remembers every earlier failure', async () => {
    const kinds: DeviceKind[] = [];
    const released: string[] = [];
    const loaded: string[] = [];
    const r = await resolveCandidates({
      names: ['not-registered', 'test-unavailable', 'reference'],
      load: async (name) => {
        loaded.push(name);
      },
      makeDevice: async (kind) => {
        kinds.push(kind);
        return hostDevice();
      },
      releaseDevice: (d) => released.push(d.name),
      mathMode: 'fp32',
    });
    expect(r.backend.name).toBe('reference');
    expect(r.registration.deviceKind).toBe('cpu');
    expect(loaded).toEqual(['not-registered', 'test-unavailable', 'reference']);
    expect(r.failures.map((f) => f.name)).toEqual(['not-registered', 'test-unavailable']);
    expect(r.failures[0]!.reason).toMatch(/unknown backend 'not-registered'/);
    expect(r.failures[1]!.reason).toMatch(/no such device here/);
    // a device was made for the two registered candidates; the failed one's was released
    expect(kinds).toEqual(['cpu', 'cpu']);
    expect(released).toHaveLength(1);
  });

  it('throws one error naming every candidate when none can be created, and a load failure counts', async () => {
    const err = await resolveCandidates({
      names: ['test-unavailable', 'reference'],
      load: async (name) => {
        if (name === 'reference') throw new Error('package missing');
      },
      makeDevice: async () => hostDevice(),
      mathMode: 'fp32',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    const failures = (err as BackendUnavailableError).failures;
    expect(failures.map((f) => f.name)).toEqual(['test-unavailable', 'reference']);
    expect((err as Error).message).toMatch(
      /test-unavailable: .*no such device here; reference: .*package missing/,
    );
  });
});

describe('autoBackendNames', () => {
  it('never offers the float64 reference', () => {
    const names = autoBackendNames();
    expect(names).not.toContain('reference');
    expect(names).toContain('test-unavailable');
  });
});
