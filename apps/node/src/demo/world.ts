import { person } from '@kopfed/member/src/samples';
import { addDays, dayOfMonth, monthStart } from './dates';
import type { DemoOptions } from './options';
import { Random } from './random';

/** BRIEF §5 loan classes, best to worst; the demo lends in every one. */
export const CLASSES = ['L', 'DPK', 'KL', 'D', 'M'] as const;
export type LoanClass = (typeof CLASSES)[number];

/** Days past due the demo aims the oldest unpaid instalment at, inside each class's bounds. */
const DAYS_PAST_DUE: Record<Exclude<LoanClass, 'L'>, [number, number]> = {
  DPK: [20, 80],
  KL: [96, 114],
  D: [128, 172],
  M: [190, 250],
};
/** Beyond one loan per class, most loans are current: the federation's NPL stays in view, not overwhelming. */
const CLASS_WEIGHTS: readonly LoanClass[] = [
  ...Array.from({ length: 14 }, () => 'L' as const),
  ...Array.from({ length: 3 }, () => 'DPK' as const),
  'KL',
  'D',
  'M',
];

/** Province codes (Kemendagri) the primary coops are spread over. */
const PROVINCES = [
  ['33', 'jateng'],
  ['32', 'jabar'],
  ['35', 'jatim'],
  ['34', 'diy'],
  ['51', 'bali'],
  ['73', 'sulsel'],
  ['12', 'sumut'],
] as const;
const TOWNS = ['makmur', 'sejahtera', 'mandiri', 'sentosa', 'bersatu', 'harapan', 'karya', 'abadi'];
const GIVEN = [
  'Siti',
  'Budi',
  'Dewi',
  'Agus',
  'Sri',
  'Joko',
  'Rina',
  'Bambang',
  'Wati',
  'Eko',
  'Ani',
  'Hadi',
];
const FAMILY = [
  'Santoso',
  'Wijaya',
  'Lestari',
  'Pratama',
  'Susanto',
  'Hidayat',
  'Rahayu',
  'Nugroho',
  'Kurniawan',
];

export interface PlannedCoop {
  coopId: string;
  province: string;
}

export interface PlannedPerson {
  n: number;
  externalId: string;
  memberNumber: string;
  joinedOn: string;
  person: ReturnType<typeof person>;
}

export type SavingsItem =
  | {
      type: 'open';
      externalId: string;
      accountId: string;
      businessDate: string;
      memberExternalId: string;
      productCode: string;
      openingBalance?: { amount: string; currency: 'IDR' };
      maturityInstruction?: { kind: 'roll_over' };
    }
  | {
      type: 'deposit' | 'withdrawal';
      externalId: string;
      accountId: string;
      businessDate: string;
      amount: { amount: string; currency: 'IDR' };
    };

export interface PlannedLoan {
  externalId: string;
  memberExternalId: string;
  loanClass: LoanClass;
  principal: number;
  termMonths: number;
  disbursedOn: string;
  /** Instalments due before this date are paid, on their due dates; none after. */
  paidBefore: string;
}

export interface PlannedTransfer {
  transferId: string;
  fromCoopId: string;
  toCoopId: string;
  amount: number;
}

export interface CoopPlan extends PlannedCoop {
  persons: PlannedPerson[];
  savings: SavingsItem[];
  loans: PlannedLoan[];
}

export interface DemoPlan {
  today: string;
  /** The coops' registration, approval and products' first day. */
  foundedOn: string;
  secondary: PlannedCoop;
  coops: CoopPlan[];
  /** Transfer rounds: every round but the last is closed and settled. */
  transferRounds: PlannedTransfer[][];
}

const rupiah = (amount: number) => ({ amount: String(amount), currency: 'IDR' as const });
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The whole demo federation, drawn from the seed: pure, so the same options give the same plan. */
export function planDemo(options: DemoOptions): DemoPlan {
  const random = new Random(options.seed);
  const foundedOn = monthStart(options.today, -16);
  const coops = Array.from({ length: options.coops }, (_, i): PlannedCoop => {
    const [province, region] = PROVINCES[i % PROVINCES.length]!;
    return { coopId: `ksp-${TOWNS[i % TOWNS.length]}-${region}-${pad(i + 1, 2)}`, province };
  });
  let n = 0;
  const plans = coops.map((coop, i): CoopPlan => {
    const share =
      Math.floor(options.persons / options.coops) + (i < options.persons % options.coops ? 1 : 0);
    const r = random.fork(coop.coopId);
    const persons = Array.from({ length: share }, () => planPerson(++n, coop, r, options.today));
    return {
      ...coop,
      persons,
      savings: planSavings(persons, r.fork('savings'), options),
      loans: planLoans(persons, r.fork('loans'), options.today),
    };
  });
  return {
    today: options.today,
    foundedOn,
    secondary: { coopId: 'puskop-nusantara', province: '33' },
    coops: plans,
    transferRounds: planTransfers(coops, random.fork('transfers')),
  };
}

function planPerson(n: number, coop: PlannedCoop, r: Random, today: string): PlannedPerson {
  return {
    n,
    externalId: `AGT-${pad(n, 5)}`,
    memberNumber: `A-${pad(n, 5)}`,
    joinedOn: addDays(monthStart(today, -15), r.int(0, 27)),
    person: person(n, {
      name: `${r.pick(GIVEN)} ${r.pick(FAMILY)}`,
      address: { line: `Jl. Merdeka ${r.int(1, 200)}`, province: coop.province },
    }),
  };
}

const POKOK = 100_000;
const WAJIB_MONTHLY = 50_000;
const SUKARELA_FLOOR = 10_000;

function planSavings(
  persons: readonly PlannedPerson[],
  r: Random,
  options: DemoOptions,
): SavingsItem[] {
  const items: SavingsItem[] = [];
  for (const p of persons) {
    const open = (code: string, opening: number, on = p.joinedOn) =>
      items.push({
        type: 'open',
        externalId: `${p.externalId}-${code}-OPEN`,
        accountId: `${p.externalId}-${code}`,
        businessDate: on,
        memberExternalId: p.externalId,
        productCode: code,
        openingBalance: rupiah(opening),
        // A time deposit rolls over at maturity, as most members' do.
        ...(code.startsWith('BERJANGKA')
          ? { maturityInstruction: { kind: 'roll_over' as const } }
          : {}),
      });
    open('POKOK', POKOK);
    open('WAJIB', WAJIB_MONTHLY);
    let sukarela = 50_000 * r.int(1, 20);
    open('SUKARELA', sukarela);
    for (let m = options.months; m >= 1; m--) {
      const month = monthStart(options.today, -m);
      items.push({
        type: 'deposit',
        externalId: `${p.externalId}-WAJIB-${month.slice(0, 7)}`,
        accountId: `${p.externalId}-WAJIB`,
        businessDate: dayOfMonth(month, r.int(1, 10)),
        amount: rupiah(WAJIB_MONTHLY),
      });
      // Voluntary savings move about once a month: more in than out, never below the floor.
      if (!r.chance(0.8)) continue;
      const day = dayOfMonth(month, r.int(11, 28));
      const withdraw = sukarela > 200_000 && r.chance(0.35);
      const amount = withdraw
        ? 10_000 * r.int(1, Math.floor((sukarela - SUKARELA_FLOOR) / 20_000))
        : 25_000 * r.int(1, 20);
      sukarela += withdraw ? -amount : amount;
      items.push({
        type: withdraw ? 'withdrawal' : 'deposit',
        externalId: `${p.externalId}-SUKARELA-${month.slice(0, 7)}`,
        accountId: `${p.externalId}-SUKARELA`,
        businessDate: day,
        amount: rupiah(amount),
      });
    }
    // A time deposit placed last month: not yet at its three-month maturity.
    if (r.chance(0.15))
      open(
        'BERJANGKA_3',
        500_000 * r.int(2, 40),
        dayOfMonth(monthStart(options.today, -1), r.int(1, 28)),
      );
  }
  // A coop's core sends its history in the order it happened.
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.businessDate.localeCompare(b.item.businessDate) || a.index - b.index)
    .map(({ item }) => item);
}

function planLoans(persons: readonly PlannedPerson[], r: Random, today: string): PlannedLoan[] {
  const count = Math.max(CLASSES.length, Math.round(persons.length * 0.08));
  const borrowers = [...persons];
  return Array.from({ length: Math.min(count, borrowers.length) }, (_, i): PlannedLoan => {
    const borrower = borrowers.splice(r.int(0, borrowers.length - 1), 1)[0]!;
    const loanClass = i < CLASSES.length ? CLASSES[i]! : r.pick(CLASS_WEIGHTS);
    const day = r.int(1, 28);
    let disbursedOn: string;
    let paidBefore: string;
    if (loanClass === 'L') {
      disbursedOn = dayOfMonth(monthStart(today, -r.int(2, 9)), day);
      paidBefore = today;
    } else {
      // The oldest unpaid instalment falls due `daysPastDue` ago, after 1–2 paid ones.
      const [min, max] = DAYS_PAST_DUE[loanClass];
      const firstUnpaid = clampDay(addDays(today, -r.int(min, max)));
      const paid = r.int(1, 2);
      disbursedOn = dayOfMonth(
        monthStart(firstUnpaid, -(paid + 1)),
        Number(firstUnpaid.slice(8, 10)),
      );
      paidBefore = firstUnpaid;
    }
    return {
      externalId: `PJ-${borrower.externalId}`,
      memberExternalId: borrower.externalId,
      loanClass,
      principal: 500_000 * r.int(4, 60),
      termMonths: r.pick([12, 18, 24]),
      disbursedOn: clampDay(disbursedOn),
      paidBefore,
    };
  });
}

/** Due dates stay on the disbursement day only up to the 28th (every month has one). */
function clampDay(date: string): string {
  return Number(date.slice(8, 10)) > 28 ? `${date.slice(0, 8)}28` : date;
}

function planTransfers(coops: readonly PlannedCoop[], r: Random): PlannedTransfer[][] {
  return [0, 1, 2].map((round) =>
    Array.from({ length: coops.length * 3 }, (_, i): PlannedTransfer => {
      const from = r.int(0, coops.length - 1);
      const to = (from + r.int(1, coops.length - 1)) % coops.length;
      return {
        transferId: `demo-r${round + 1}-${pad(i + 1, 4)}`,
        fromCoopId: coops[from]!.coopId,
        toCoopId: coops[to]!.coopId,
        amount: 50_000 * r.int(2, 200),
      };
    }),
  );
}
