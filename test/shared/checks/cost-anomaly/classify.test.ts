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
  type KnownClassInput,
  possibleClasses,
  severityOfClass,
} from '../../../../shared/checks/cost-anomaly/classify.js';

const base: KnownClassInput = { direction: 'up', mapped: true, unitCost: 'up', sloBreached: false };
const knownArbitrary = fc.record({
  direction: fc.constantFrom('up' as const, 'down' as const),
  mapped: fc.boolean(),
  unitCost: fc.constantFrom('up' as const, 'normal' as const, 'down' as const),
  sloBreached: fc.boolean(),
});
const inputArbitrary: fc.Arbitrary<ClassInput> = fc.record({
  direction: fc.constantFrom('up' as const, 'down' as const),
  mapped: fc.boolean(),
  unitCost: fc.constantFrom('up' as const, 'normal' as const, 'down' as const, 'unknown' as const),
  sloBreached: fc.constantFrom(true, false, 'unknown' as const),
});

describe('waste', () => {
  it('holds for cost and unit cost up with SLOs met', () => {
    expect(isWaste(base)).toBe(true);
    expect(classifyAnomaly(base)).toBe('waste');
  });
  it('does not hold when demand explains the cost', () => {
    expect(isWaste({ ...base, unitCost: 'normal' })).toBe(false);
  });
  it('is not called when unit cost is unknown: unknown is not rising, it could be demand growth', () => {
    expect(classifyAnomaly({ ...base, unitCost: 'unknown' })).toBeNull();
    expect(possibleClasses({ ...base, unitCost: 'unknown' })).toEqual(['waste', 'demand-growth']);
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
  const drop: KnownClassInput = { direction: 'down', mapped: true, unitCost: 'down', sloBreached: true };
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
  it('gives every input without unknowns exactly one class, and only one rule holds for it', () => {
    const rules = [isCostOnly, isEfficiencyRegression, isWaste, isDemandGrowth, isUnsafeSaving, isSaving];
    fc.assert(
      fc.property(knownArbitrary, (input) => {
        expect(ANOMALY_CLASSES).toContain(classifyAnomaly(input));
        expect(rules.filter((holds) => holds(input))).toHaveLength(1);
      }),
    );
  });
  it('never calls a rise a saving nor a drop growth, whatever is unknown', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const downClasses = ['saving', 'unsafe-saving'];
        for (const cls of possibleClasses(input))
          expect(downClasses.includes(cls)).toBe(input.direction === 'down');
      }),
    );
  });
  it('guesses no unknown: a class is given only when every way the unknowns resolve gives it', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const resolutions = [
          ...(input.unitCost === 'unknown' ? (['up', 'normal', 'down'] as const) : [input.unitCost]),
        ].flatMap((unitCost) =>
          (input.sloBreached === 'unknown' ? [true, false] : [input.sloBreached]).map((sloBreached) =>
            classifyAnomaly({ ...input, unitCost, sloBreached }),
          ),
        );
        const agreed = new Set(resolutions).size === 1 ? resolutions[0] : null;
        expect(classifyAnomaly(input)).toBe(agreed);
      }),
    );
  });
  it('holds an SLO left open by missing data between unsafe-saving and saving', () => {
    const drop: ClassInput = { direction: 'down', mapped: true, unitCost: 'down', sloBreached: 'unknown' };
    expect(classifyAnomaly(drop)).toBeNull();
    expect(possibleClasses(drop)).toEqual(['unsafe-saving', 'saving']);
    expect(classifyAnomaly({ ...drop, unitCost: 'normal' })).toBe('saving');
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
