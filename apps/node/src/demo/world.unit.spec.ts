import { daysBetween } from './dates';
import { nodeUrl, parseDemoArgs } from './options';
import { CLASSES, planDemo } from './world';

const options = parseDemoArgs([
  '--coops',
  '4',
  '--persons',
  '200',
  '--months',
  '12',
  '--today',
  '2026-11-28',
]);

describe('the demo plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(JSON.stringify(planDemo(options))).toBe(JSON.stringify(planDemo(options)));
    const other = planDemo({ ...options, seed: options.seed + 1 });
    expect(other.coops[0]!.savings).not.toEqual(planDemo(options).coops[0]!.savings);
  });

  it('spreads the persons over coops in several provinces, each with a distinct valid-looking NIK', () => {
    const plan = planDemo(options);
    const persons = plan.coops.flatMap((c) => c.persons);
    expect(persons).toHaveLength(200);
    expect(new Set(plan.coops.map((c) => c.province)).size).toBe(4);
    const niks = persons.map((p) => p.person.nik);
    expect(new Set(niks).size).toBe(niks.length);
    for (const { person } of persons) {
      // NIK: region (6), day of birth (+40 for women), month, year (2 digits each), serial (4).
      expect(person.nik).toMatch(/^\d{16}$/);
      const day = Number(person.nik.slice(6, 8)) - (person.gender === 'female' ? 40 : 0);
      expect(`${person.nik.slice(10, 12)}-${String(day).padStart(2, '0')}`).toBe(
        `${person.birthDate.slice(2, 4)}-${person.birthDate.slice(8, 10)}`,
      );
    }
  });

  it('lends in every kolektibilitas class in every coop, aiming each at its days-past-due band', () => {
    const bands = { DPK: [1, 90], KL: [91, 120], D: [121, 180], M: [181, 400] } as const;
    for (const coop of planDemo(options).coops) {
      expect(new Set(coop.loans.map((l) => l.loanClass))).toEqual(new Set(CLASSES));
      for (const loan of coop.loans) {
        expect(loan.disbursedOn < loan.paidBefore).toBe(true);
        if (loan.loanClass === 'L') continue;
        const [min, max] = bands[loan.loanClass];
        const daysPastDue = daysBetween(loan.paidBefore, options.today);
        expect(daysPastDue).toBeGreaterThanOrEqual(min);
        expect(daysPastDue).toBeLessThanOrEqual(max);
      }
    }
  });

  it('keeps savings history in the past, in date order, and never takes sukarela below its floor', () => {
    for (const coop of planDemo(options).coops) {
      const dates = coop.savings.map((i) => i.businessDate);
      expect(dates).toEqual([...dates].sort());
      expect(dates.every((d) => d < options.today)).toBe(true);
      const balances = new Map<string, number>();
      for (const item of coop.savings) {
        const before = balances.get(item.accountId) ?? 0;
        const amount = Number(
          item.type === 'open' ? item.openingBalance!.amount : item.amount.amount,
        );
        const after = item.type === 'withdrawal' ? before - amount : before + amount;
        if (item.accountId.endsWith('-SUKARELA')) expect(after).toBeGreaterThanOrEqual(10_000);
        balances.set(item.accountId, after);
      }
    }
  });

  it('plans three rounds of transfers between distinct primary coops', () => {
    const plan = planDemo(options);
    expect(plan.transferRounds).toHaveLength(3);
    for (const t of plan.transferRounds.flat()) expect(t.fromCoopId).not.toBe(t.toCoopId);
  });
});

describe('demo options', () => {
  it('defaults to the full-size federation and refuses bad values with the option named', () => {
    expect(parseDemoArgs([], new Date('2026-11-28T20:00:00Z'))).toEqual({
      seed: 20_260_101,
      coops: 20,
      persons: 5_000,
      months: 12,
      // 20:00 UTC is already the next day in Jakarta.
      today: '2026-11-29',
    });
    expect(() => parseDemoArgs(['--coops', '1'])).toThrow(
      '--coops must be a whole number from 2 to 200',
    );
    expect(() => parseDemoArgs(['--persons', '12', '--coops', '3'])).toThrow('at least 5 per coop');
    expect(() => parseDemoArgs(['--today', '28-11-2026'])).toThrow('--today');
    expect(() => parseDemoArgs(['--bogus'])).toThrow();
  });
});

describe('where the node is', () => {
  it('is KOPFED_URL, else 127.0.0.1 on PORT, else on 8080', () => {
    expect(nodeUrl({ KOPFED_URL: 'http://node:9000/' })).toBe('http://node:9000');
    expect(nodeUrl({ PORT: '3000' })).toBe('http://127.0.0.1:3000');
    expect(nodeUrl({})).toBe('http://127.0.0.1:8080');
  });
});
