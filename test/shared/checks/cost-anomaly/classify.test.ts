import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANOMALY_CLASSES,
  type ClassInput,
  classifyAnomaly,
  isCostOnly,
  isDemandGrowth,
  isEfficiencyRegression,
  isSaving,
  isUnsafeSaving,
  isWaste,
  severityOfClass,
} from '../../../../shared/checks/cost-anomaly/classify.js';

const base: ClassInput = { direction: 'up', mapped: true, unitCost: 'up', sloBreached: false };
const inputArbitrary = fc.record({
  direction: fc.constantFrom('up' as const, 'down' as const),
  mapped: fc.boolean(),
  unitCost: fc.constantFrom('up' as const, 'normal' as const, 'down' as const, 'unknown' as const),
  sloBreached: fc.boolean(),
});

describe('waste', () => {
  it('holds for cost and unit cost up with SLOs met', () => {
    expect(isWaste(base)).toBe(true);
    expect(classifyAnomaly(base)).toBe('waste');
  });
  it('does not hold when demand explains the cost', () => {
    expect(isWaste({ ...base, unitCost: 'normal' })).toBe(false);
  });
  it('holds without demand data: nothing shows the rise is explained', () => {
    expect(classifyAnomaly({ ...base, unitCost: 'unknown' })).toBe('waste');
  });
});

describe('efficiency-regression', () => {
  it('holds for cost and unit cost up with an SLO breached', () => {
    const input = { ...base, sloBreached: true };
    expect(isEfficiencyRegression(input)).toBe(true);
    expect(classifyAnomaly(input)).toBe('efficiency-regression');
  });
  it('does not hold with SLOs met', () => {
    expect(isEfficiencyRegression(base)).toBe(false);
  });
});

describe('demand-growth', () => {
  it('holds for cost up with unit cost normal or down', () => {
    expect(classifyAnomaly({ ...base, unitCost: 'normal' })).toBe('demand-growth');
    expect(isDemandGrowth({ ...base, unitCost: 'down' })).toBe(true);
  });
  it('does not hold when unit cost rose', () => {
    expect(isDemandGrowth(base)).toBe(false);
  });
});

describe('unsafe-saving', () => {
  const drop: ClassInput = { direction: 'down', mapped: true, unitCost: 'down', sloBreached: true };
  it('holds for cost and unit cost down with an SLO breached', () => {
    expect(isUnsafeSaving(drop)).toBe(true);
    expect(classifyAnomaly(drop)).toBe('unsafe-saving');
  });
  it('does not hold when demand fell with the cost (unit cost normal)', () => {
    expect(classifyAnomaly({ ...drop, unitCost: 'normal' })).toBe('saving');
  });
  it('does not hold with SLOs met', () => {
    expect(classifyAnomaly({ ...drop, sloBreached: false })).toBe('saving');
  });
});

describe('saving', () => {
  it('holds for cost down with SLOs met, mapped or not', () => {
    expect(isSaving({ direction: 'down', mapped: true, unitCost: 'down', sloBreached: false })).toBe(true);
    expect(
      classifyAnomaly({ direction: 'down', mapped: false, unitCost: 'unknown', sloBreached: false }),
    ).toBe('saving');
  });
});

describe('cost-only', () => {
  it('holds for cost up where no workload is mapped, whatever else is known', () => {
    expect(isCostOnly({ ...base, mapped: false })).toBe(true);
    expect(classifyAnomaly({ direction: 'up', mapped: false, unitCost: 'unknown', sloBreached: true })).toBe(
      'cost-only',
    );
  });
});

describe('classifyAnomaly', () => {
  it('gives every input exactly one class, and only one rule holds for it', () => {
    const rules = [isCostOnly, isEfficiencyRegression, isWaste, isDemandGrowth, isUnsafeSaving, isSaving];
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        expect(ANOMALY_CLASSES).toContain(classifyAnomaly(input));
        expect(rules.filter((holds) => holds(input))).toHaveLength(1);
      }),
    );
  });
  it('never calls a rise a saving nor a drop growth', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const cls = classifyAnomaly(input);
        const downClasses = ['saving', 'unsafe-saving'];
        expect(downClasses.includes(cls)).toBe(input.direction === 'down');
      }),
    );
  });
});

describe('severityOfClass', () => {
  const anomaly = { wasteErrorAboveUsdPerMonth: 1000 };
  it('makes waste an error only above the configured monthly impact', () => {
    expect(severityOfClass('waste', 999, anomaly)).toBe('warning');
    expect(severityOfClass('waste', 1001, anomaly)).toBe('error');
  });
  it('pages for regressions and unsafe savings, and keeps growth and savings informational', () => {
    expect(severityOfClass('efficiency-regression', 1, anomaly)).toBe('error');
    expect(severityOfClass('unsafe-saving', -5000, anomaly)).toBe('error');
    expect(severityOfClass('demand-growth', 1e6, anomaly)).toBe('info');
    expect(severityOfClass('saving', -1e6, anomaly)).toBe('info');
    expect(severityOfClass('cost-only', 10, anomaly)).toBe('warning');
  });
});
