import { conflict, notFound, rejected } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { CheckpointIndex } from '../checkpoints/checkpoint-index';
import { signatureHolds, statementDigest } from '../checkpoints/checkpoint';
import { keyIdOfPublicKey } from '../keys/ed25519';
import { isRevokedAt, type Signer } from '../signers/audit-records';
import type { AuditContext } from './audit-context';
import {
  CountersignatureView,
  CountersignRequest,
  KeyIdParams,
  RegisterSignerRequest,
  RevokeSignerRequest,
  SignersResponse,
  SignerView,
} from './schemas';

export function signerRoutes(ctx: AuditContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/signers',
      operationId: 'listSigners',
      summary:
        'The registered signing keys: the node’s, and the auditors’ and coops’ that countersign',
      responses: { 200: SignersResponse },
      policy: { roles: ['auditor', 'admin'], coopScope: 'federation' },
      handler: async () => {
        const signers: Signer[] = [...(await ctx.audit.records()).signers.values()];
        return { status: 200, body: { signers } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/signers',
      operationId: 'registerSigner',
      summary: 'Register an auditor’s or a coop’s public key, so its countersignatures count',
      request: { body: RegisterSignerRequest },
      responses: { 201: SignerView, 200: SignerView },
      policy: { roles: ['admin'], coopScope: 'federation' },
      handler: async ({ body }, rctx) => {
        const keyId = keyIdOfPublicKey(body.publicKey);
        if (!keyId)
          throw rejected('invalid_public_key', 'not a 32-byte Ed25519 public key', '/publicKey');
        const outcome = await ctx.audit.registerSigner({
          keyId,
          ...body,
          registeredBy: rctx.principal.keyId,
        });
        const signer = (await ctx.audit.records()).signers.get(keyId)!;
        if (outcome === 'exists' && signer.publicKey !== body.publicKey)
          throw rejected('key_id_taken', 'another key has this key id', '/publicKey');
        return { status: outcome === 'registered' ? 201 : 200, body: signer };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/signers/{keyId}/revocation',
      operationId: 'revokeSigner',
      summary: 'Revoke a signing key from a time on, saying why',
      description:
        'From `effectiveAt` (not in the future) the key no longer counts: `verify` reports every checkpoint it signed with a `signedAt` from then on, and every countersignature of it recorded from then on; what it signed before still verifies. A revoked node key no longer signs checkpoints: give the node a new key (`KOPFED_AUDIT_SIGNING_KEY`). 404 for an unknown key, 409 for one already revoked; neither changes anything.',
      request: { params: KeyIdParams, body: RevokeSignerRequest },
      responses: { 201: SignerView },
      policy: { roles: ['admin'], coopScope: 'federation' },
      handler: async ({ params, body }, rctx) => {
        const effectiveAt = new Date(body.effectiveAt).toISOString();
        if (Date.parse(effectiveAt) > ctx.clock().getTime())
          throw rejected(
            'revocation_in_future',
            'a revocation takes effect now or from a past time, not a future one',
            '/effectiveAt',
          );
        const signer = (await ctx.audit.signer(params.keyId)) ?? unknownSigner();
        if (signer.revokedAt !== null) throw alreadyRevoked(signer);
        const outcome = await ctx.audit.revokeSigner({
          keyId: params.keyId,
          revokedBy: rctx.principal.keyId,
          reason: body.reason,
          effectiveAt,
        });
        const revoked = (await ctx.audit.signer(params.keyId))!;
        if (outcome === 'not_revocable') throw alreadyRevoked(revoked);
        return { status: 201, body: revoked };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/countersignatures',
      operationId: 'countersignCheckpoint',
      summary: 'Record an auditor’s or a coop’s countersignature of a checkpoint',
      description:
        'The signature must be the registered key’s Ed25519 signature of the checkpoint’s statement text (what `kopfed audit countersign` produces). Recording evidence changes no book, so auditors may call it: its policy reads.',
      request: { body: CountersignRequest },
      responses: { 201: CountersignatureView },
      // An attestation, not a change to the books: auditors "change nothing" and may still attest.
      policy: {
        roles: ['auditor', 'coop', 'treasurer', 'admin'],
        coopScope: 'federation',
        access: 'read',
      },
      handler: async ({ body }, rctx) => {
        const records = await ctx.audit.records();
        const signer = records.signers.get(body.keyId);
        const role = rctx.principal.role;
        const mayUse =
          signer !== undefined &&
          signer.role !== 'node' &&
          !isRevokedAt(signer, ctx.clock().toISOString()) &&
          (role === 'admin' ||
            (signer.coopId !== null &&
              rctx.reaches(signer.coopId) &&
              (signer.role === 'auditor') === (role === 'auditor')));
        if (!signer || !mayUse)
          throw notFound(
            'signer_not_found',
            'no registered countersigning key with this id for you',
          );
        const store = ctx.stores.get(body.store);
        const checkpoint =
          store && (await new CheckpointIndex(store, body.store).at(body.sequence));
        if (!checkpoint)
          throw notFound(
            'checkpoint_not_found',
            `${body.store} has no checkpoint ${body.sequence}`,
          );
        const { statement } = checkpoint.data;
        const signature = {
          keyId: signer.keyId,
          publicKey: signer.publicKey,
          value: body.signature,
        };
        if (!signatureHolds(statement, signature))
          throw rejected(
            'signature_invalid',
            'the signature is not this key’s signature of the checkpoint statement',
            '/signature',
          );
        const countersignature = {
          store: body.store,
          sequence: body.sequence,
          statementDigest: statementDigest(statement),
          signature,
          countersignedBy: rctx.principal.keyId,
        };
        await ctx.audit.countersign(countersignature);
        return {
          status: 201,
          body: {
            store: body.store,
            sequence: body.sequence,
            statementDigest: countersignature.statementDigest,
            keyId: signer.keyId,
            countersignedBy: countersignature.countersignedBy,
          },
        };
      },
    }),
  ];
}

function unknownSigner(): never {
  throw notFound('signer_not_found', 'no registered signing key with this id');
}

function alreadyRevoked(signer: Signer) {
  return conflict(
    'signer_already_revoked',
    `this key was revoked from ${signer.revokedAt}: ${signer.revocationReason ?? ''}`,
  );
}
