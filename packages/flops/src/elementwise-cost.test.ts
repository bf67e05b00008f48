import { describe, expect, it } from 'vitest';
import { residualAddCost } from './add-cost.js';
import { batchNormCost } from './batch-norm-cost.js';
import { biasAddCost } from './bias-cost.js';
import { eluCost } from './elu-cost.js';
import { maxPoolCost } from './max-pool-cost.js';
import { sigmoidBceCost } from './sigmoid-bce-cost.js';
import { upsampleTrilinearCost } from './upsample-cost.js';

describe('element-wise op costs', () => {
  it('bias add: forward add, pass-through data gradient, reduction for db', () => {
    const c = biasAddCost(210, 5);
    expect(c.forward).toEqual({ macs: 0, flop: 210, readElements: 215, writeElements: 210 });
    expect(c.backwardData.flop).toBe(0);
    expect(c.backwardFilter).toEqual({ macs: 0, flop: 210, readElements: 210, writeElements: 5 });
    expect(c.params).toBe(5);
  });
  it('batch norm: 5/6/5 FLOP per element, two parameters per channel', () => {
    const c = batchNormCost(1000, 4);
    expect([c.forward.flop, c.backwardData.flop, c.backwardFilter.flop]).toEqual([5000, 6000, 5000]);
    expect(c.forward.readElements).toBe(2008);
    expect(c.backwardFilter.writeElements).toBe(8);
    expect(c.params).toBe(8);
  });
  it('ELU, add, pool, upsample, loss', () => {
    expect(eluCost(7).forward.flop).toBe(21);
    expect(eluCost(7).backwardData).toEqual({ macs: 0, flop: 14, readElements: 14, writeElements: 7 });
    expect(residualAddCost(9).forward).toEqual({ macs: 0, flop: 9, readElements: 18, writeElements: 9 });
    const pool = maxPoolCost(3); // 24 inputs
    expect(pool.forward).toEqual({ macs: 0, flop: 21, readElements: 24, writeElements: 3 });
    expect(pool.backwardData.writeElements).toBe(24);
    const up = upsampleTrilinearCost(16); // 2 inputs
    expect(up.forward).toEqual({ macs: 0, flop: 240, readElements: 2, writeElements: 16 });
    expect(up.backwardData.writeElements).toBe(2);
    const loss = sigmoidBceCost(11);
    expect([loss.forward.flop, loss.backwardData.flop, loss.params]).toEqual([110, 66, 0]);
  });
});
