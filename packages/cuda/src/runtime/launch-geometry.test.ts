import { describe, expect, it } from 'vitest';
import {
  channelReduceLaunch,
  elementwiseLaunch,
  MAX_ELEMENTWISE_BLOCKS,
  perChannelLaunch,
} from './launch-geometry.js';

describe('elementwiseLaunch', () => {
  it('covers n with 256-thread blocks and caps the grid (grid-stride covers the rest)', () => {
    expect(elementwiseLaunch(1)).toEqual({ grid: [1, 1, 1], block: [256, 1, 1], sharedBytes: 0 });
    expect(elementwiseLaunch(256).grid[0]).toBe(1);
    expect(elementwiseLaunch(257).grid[0]).toBe(2);
    expect(elementwiseLaunch(24 * 64 * 128 * 128).grid[0]).toBe(MAX_ELEMENTWISE_BLOCKS);
    expect(elementwiseLaunch(0).grid[0]).toBe(1);
    expect(() => elementwiseLaunch(1.5)).toThrow(/integer/);
  });
});

describe('channelReduceLaunch', () => {
  it('puts channels on grid.y and splits the spatial axis into chunks', () => {
    const g = channelReduceLaunch(1, 24, 64 * 128 * 128);
    expect(g.grid).toEqual([256, 24, 1]);
    expect(g.chunks).toBe(256);
    const small = channelReduceLaunch(2, 3, 10);
    expect(small.grid).toEqual([1, 3, 1]);
    const mid = channelReduceLaunch(1, 8, 4096 * 4);
    expect(mid.chunks).toBe(8); // 16384 / (256·8)
    expect(() => channelReduceLaunch(1, 70000, 8)).toThrow(/channels/);
  });

  it('never makes chunks with no spatial elements', () => {
    const g = channelReduceLaunch(64, 4, 300);
    expect(g.chunks).toBe(2); // ⌈300/256⌉, though N·S would ask for more
  });

  it('perChannelLaunch: one block per channel', () => {
    expect(perChannelLaunch(12).grid).toEqual([12, 1, 1]);
  });
});
