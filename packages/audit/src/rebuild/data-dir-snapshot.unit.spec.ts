import { copyOrder } from './data-dir-snapshot';

describe('the order a data directory is copied in', () => {
  /** What a node's data directory holds (apps/node, the member and savings services). */
  const node = [
    'access.db',
    'audit-signing.key',
    'audit.db',
    'loan.db',
    'member-keys.db',
    'member-master.key',
    'member.db',
    'node-internal.key',
    'savings.db',
    'savings-accounts.db',
    'settlement.db',
  ];

  it('copies a read model in a file of its own before its store, and the rest as listed', () => {
    expect(copyOrder(node)).toEqual([
      { entry: 'savings-accounts.db', keyStore: undefined },
      { entry: 'access.db', keyStore: undefined },
      { entry: 'audit-signing.key', keyStore: undefined },
      { entry: 'audit.db', keyStore: undefined },
      { entry: 'loan.db', keyStore: undefined },
      { entry: 'member-master.key', keyStore: undefined },
      // The key store is copied around its event store, never on its own.
      { entry: 'member.db', keyStore: 'member-keys.db' },
      { entry: 'node-internal.key', keyStore: undefined },
      { entry: 'savings.db', keyStore: undefined },
      { entry: 'settlement.db', keyStore: undefined },
    ]);
  });

  it('puts a read model before its store whatever order the directory lists them in', () => {
    const order = (entries: string[]) => copyOrder(entries).map(({ entry }) => entry);
    for (const entries of [node, [...node].reverse()]) {
      const copied = order(entries);
      expect(copied.indexOf('savings-accounts.db')).toBeLessThan(copied.indexOf('savings.db'));
      expect(copied).not.toContain('member-keys.db');
      expect(copied).toHaveLength(node.length - 1);
    }
    // A service run alone keeps its read models in a file beside its store too.
    expect(order(['savings.db', 'savings-read-models.db', 'savings-accounts.db'])).toEqual([
      'savings-read-models.db',
      'savings-accounts.db',
      'savings.db',
    ]);
  });

  it('finds the store of a read model whose store name holds a hyphen', () => {
    const order = copyOrder(['sav-ings.db', 'sav-ings-accounts.db']).map(({ entry }) => entry);
    expect(order).toEqual(['sav-ings-accounts.db', 'sav-ings.db']);
  });

  it('leaves a key store without its event store, and a lone side file, in place', () => {
    expect(copyOrder(['member-keys.db', 'loan-notes.db'])).toEqual([
      { entry: 'member-keys.db', keyStore: undefined },
      { entry: 'loan-notes.db', keyStore: undefined },
    ]);
  });
});
