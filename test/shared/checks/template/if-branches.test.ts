import { describe, expect, it } from 'vitest';
import { ifBranches } from '../../../../shared/checks/template/if-branches.js';

const noValue = { Ref: 'AWS::NoValue' };

describe('ifBranches', () => {
  it('is undefined for a value with no Fn::If', () => {
    expect(ifBranches([{ Key: 'owner', Value: { Ref: 'Owner' } }])).toBeUndefined();
  });

  it('takes both branches of a whole value, AWS::NoValue standing for no value', () => {
    expect(ifBranches({ 'Fn::If': ['C', [{ Key: 'a', Value: '1' }], noValue] })).toEqual([
      [{ Key: 'a', Value: '1' }],
      undefined,
    ]);
  });

  it('drops an item whose branch is AWS::NoValue, and combines conditions at several places', () => {
    const branches = ifBranches([
      { Key: 'owner', Value: { 'Fn::If': ['A', 'x', { 'Fn::If': ['B', 'y', 'z'] }] } },
      { 'Fn::If': ['C', { Key: 'cost-center', Value: 'cc-1' }, noValue] },
    ]);
    expect(branches).toEqual([
      [
        { Key: 'owner', Value: 'x' },
        { Key: 'cost-center', Value: 'cc-1' },
      ],
      [{ Key: 'owner', Value: 'x' }],
      [
        { Key: 'owner', Value: 'y' },
        { Key: 'cost-center', Value: 'cc-1' },
      ],
      [{ Key: 'owner', Value: 'y' }],
      [
        { Key: 'owner', Value: 'z' },
        { Key: 'cost-center', Value: 'cc-1' },
      ],
      [{ Key: 'owner', Value: 'z' }],
    ]);
  });

  it('leaves other intrinsics as written, even with an Fn::If inside', () => {
    const join = { 'Fn::Join': ['-', [{ 'Fn::If': ['C', 'a', 'b'] }]] };
    expect(ifBranches({ owner: join })).toEqual([{ owner: join }]);
  });

  it('gives up beyond 64 combinations, so the value reads as computed', () => {
    const seven = Array.from({ length: 7 }, (_, i) => ({
      Key: `k${i}`,
      Value: { 'Fn::If': ['C', 'a', 'b'] },
    }));
    expect(ifBranches(seven.slice(0, 6))).toHaveLength(64);
    expect(ifBranches(seven)).toBeUndefined();
  });
});
