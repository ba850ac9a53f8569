import { refused, parsed, type Parsed } from '../values/result';

export type Via = 'cash' | 'bank' | 'deposit_with_parent' | 'settlement_in_transit';

const VIA: Readonly<Record<string, Via>> = {
  tunai: 'cash', cash: 'cash', kas: 'cash',
  bank: 'bank', transfer: 'bank', tf: 'bank', rekening: 'bank',
  simpananinduk: 'deposit_with_parent', depositwithparent: 'deposit_with_parent',
  settlementintransit: 'settlement_in_transit',
};

/** How money moved: the row's cell, else the config's `via`, else cash. */
export function parseVia(cell: string, fallback: string | undefined): Parsed<Via> {
  const said = (cell || fallback || 'cash').toLowerCase().replace(/[^a-z]/g, '');
  const via = VIA[said];
  return via ? parsed(via) : refused('via_invalid', `"${cell || fallback}" is not tunai, bank or transfer`);
}
