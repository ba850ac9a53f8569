import { writeFileSync } from 'node:fs';

/** A member of the generated files: a valid NIK that agrees with the birth date and gender. */
function person(n: number) {
  const female = n % 2 === 0;
  const day = 1 + (n % 28);
  const month = 1 + (Math.floor(n / 28) % 12);
  const year = 1950 + (n % 50);
  const two = (v: number) => String(v).padStart(2, '0');
  const nik = `337402${two(day + (female ? 40 : 0))}${two(month)}${two(year % 100)}${String(1 + (n % 9999)).padStart(4, '0')}`;
  return { nik, birth: `${two(day)}/${two(month)}/${year}`, gender: female ? 'P' : 'L' };
}

const rupiah = (n: number) => `Rp${n.toLocaleString('de-DE')}`;

export interface MembersFile {
  /** Member numbers of the good rows, in file order. */
  good: string[];
  /** File lines of the planted bad rows, with the code each must be reported with. */
  bad: Array<{ line: number; code: string }>;
}

/** `count` good members, and a bad row (wrong NIK, impossible date) after every `badEvery`. */
export function writeMembersCsv(file: string, count: number, badEvery: number): MembersFile {
  const lines = ['No. Anggota,Nama,NIK,Tanggal Lahir,Jenis Kelamin,Alamat,Provinsi,Tgl Masuk'];
  const good: string[] = [];
  const bad: MembersFile['bad'] = [];
  for (let n = 1; n <= count; n++) {
    const p = person(n);
    const number = `AG-${String(n).padStart(6, '0')}`;
    lines.push(`${number},Anggota ${n},${p.nik},${p.birth},${p.gender},"Jl. Pemuda ${n}, Semarang",33,02/01/2023`);
    good.push(number);
    if (n % badEvery === 0) {
      const wrongNik = n % (2 * badEvery) === 0;
      const q = person(count + n);
      lines.push(
        wrongNik
          ? `XB-${n},Salah NIK ${n},${q.nik.slice(0, 6)}99${q.nik.slice(8)},${q.birth},${q.gender},Jl. Salah,33,02/01/2023`
          : `XD-${n},Salah Tanggal ${n},${q.nik},${q.birth},${q.gender},Jl. Salah,33,31/04/2023`,
      );
      bad.push({ line: lines.length, code: wrongNik ? 'nik_impossible_date' : 'date_impossible' });
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { good, bad };
}

export interface SavingsFile {
  /** Account number → expected balance in rupiah. */
  balances: Map<string, bigint>;
  /** Good rows: each one transaction. */
  transactions: number;
  /** File lines of the planted deposits of a fraction of a rupiah. */
  bad: Array<{ line: number; code: string }>;
}

/**
 * Opening history for `members` members: each opens a SUKARELA account with Rp500.000 on
 * 2 January 2023, then `perMember` later deposits and one withdrawal, each on its own date,
 * and after every `badEvery` rows a deposit of a fraction of a rupiah (never to be sent).
 * No transaction numbers: the agent names each row from its content.
 */
export function writeSavingsCsv(file: string, members: readonly string[], perMember: number, badEvery: number): SavingsFile {
  const lines = ['No. Rekening,No. Anggota,Jenis Simpanan,Tanggal,Jenis Transaksi,Jumlah,Keterangan'];
  const balances = new Map<string, bigint>();
  const bad: SavingsFile['bad'] = [];
  let transactions = 0;
  const good = (line: string) => {
    lines.push(line);
    transactions++;
    if (transactions % badEvery === 0) {
      lines.push(`SS-${members[transactions % members.length]},,,01/03/2024,Setor,"10.000,50",Salah nominal`);
      bad.push({ line: lines.length, code: 'amount_fractional' });
    }
  };
  members.forEach((member) => {
    const account = `SS-${member}`;
    good(`${account},${member},Simpanan Sukarela,02/01/2023,Buka,${rupiah(500_000)},Saldo awal`);
    balances.set(account, 500_000n);
  });
  for (let round = 1; round <= perMember; round++) {
    const date = `${String(round % 28 || 28).padStart(2, '0')}/${String(1 + (round % 12)).padStart(2, '0')}/2024`;
    members.forEach((member, i) => {
      const account = `SS-${member}`;
      const withdrawal = round === 2;
      const amount = withdrawal ? 50_000 : 10_000 + (i % 50) * 1_000 + round;
      good(`${account},,,${date},${withdrawal ? 'Tarik' : 'Setor'},${rupiah(amount)},Transaksi ${round}`);
      balances.set(account, balances.get(account)! + (withdrawal ? -1n : 1n) * BigInt(amount));
    });
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { balances, transactions, bad };
}
