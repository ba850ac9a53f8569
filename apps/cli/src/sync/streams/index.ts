import type { SyncStream } from '@kopfed/sdk';
import { loansStream } from './loans';
import { membersStream } from './members';
import { savingsStream } from './savings';
import type { SyncFileKind } from './stream';

export const FILE_KINDS: { readonly [S in SyncStream]: SyncFileKind<S> } = {
  members: membersStream,
  savings: savingsStream,
  loans: loansStream,
};

export const fieldsOf = (stream: SyncStream): readonly string[] => FILE_KINDS[stream].fieldNames;
