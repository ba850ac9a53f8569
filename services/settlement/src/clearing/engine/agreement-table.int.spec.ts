import Database from 'better-sqlite3';
import { AgreementTable } from './agreement-table';

describe('the agreement table', () => {
  const signed = {
    agreementId: 'ag-1',
    coopId: 'ksp-a',
    partnerCoopId: 'ksp-b',
    validFrom: '2026-01-01',
    validUntil: '2026-12-31',
  };

  it('answers a pair it has already been asked about with what was signed or terminated since', () => {
    const table = new AgreementTable(new Database(':memory:'));
    expect(table.between('ksp-b', 'ksp-a')).toEqual([]);
    table.signed(signed);
    expect(table.between('ksp-b', 'ksp-a')).toEqual([{ ...signed, terminatedOn: null }]);
    expect(table.between('ksp-a', 'ksp-b')).toEqual([{ ...signed, terminatedOn: null }]);
    table.terminated('ag-1', '2026-06-01');
    expect(table.between('ksp-a', 'ksp-b')).toEqual([{ ...signed, terminatedOn: '2026-06-01' }]);
    expect(table.between('ksp-a', 'ksp-c')).toEqual([]);
  });
});
