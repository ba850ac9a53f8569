import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { AgreementId, CoopId, memberHttp } from '@kopfed/contracts';
import { notFound } from '@kopfed/domain';
import {
  handleCommand,
  jakartaBusinessDate,
  loadAggregate,
  type RecordedEvent,
} from '@kopfed/eventstore';
import { defineRoute, HttpProblem, type Route } from '@kopfed/service-kit';
import { coopView } from '../coops/coop-commands';
import { caughtUp, type MemberContext } from '../context';
import { stmt } from '../sql';
import { streams } from '../stream-ids';
import { agreementDecider, inForce, type AgreementEvent } from './agreement.decider';

const asEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as AgreementEvent;

interface AgreementRow {
  agreement_id: string;
  coop_id: string;
  partner_coop_id: string;
  valid_from: string;
  valid_until: string;
  terminated_on: string | null;
}

export function agreementRoutes(ctx: MemberContext): Route[] {
  const today = () => jakartaBusinessDate(ctx.clock());
  const view = (r: AgreementRow) => ({
    agreementId: r.agreement_id,
    coopId: r.coop_id,
    partnerCoopId: r.partner_coop_id,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    terminatedOn: r.terminated_on,
    inForce: inForce(
      {
        validFrom: r.valid_from,
        validUntil: r.valid_until,
        ...(r.terminated_on ? { terminatedOn: r.terminated_on } : {}),
      },
      today(),
    ),
  });
  const find = async (agreementId: string) => {
    await caughtUp(ctx);
    return stmt<[string], AgreementRow>(
      ctx.db,
      'SELECT * FROM agreements WHERE agreement_id = ?',
    ).get(agreementId);
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/cooperation-agreements',
      operationId: 'signCooperationAgreement',
      summary:
        'Record a cooperation agreement between this coop and another (the closed-loop rule consults it)',
      request: {
        params: z.strictObject({ coopId: CoopId }),
        body: memberHttp.SignAgreementRequest,
      },
      responses: { 201: memberHttp.AgreementView },
      policy: { roles: ['coop', 'treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params, body }, rctx) => {
        // The agreement opens both coops to transfers and loans between them: one coop's own
        // credential cannot bind the other (the parent's treasurer, reaching both, records it).
        if (!rctx.reaches(body.partnerCoopId))
          throw new HttpProblem(
            'forbidden',
            'this credential does not reach the partner coop; an agreement binds both coops',
          );
        const agreementId = body.agreementId ?? uuidv7();
        const [coop, partner] = await Promise.all([
          coopView(ctx, params.coopId),
          coopView(ctx, body.partnerCoopId),
        ]);
        if (!partner) throw notFound('coop_not_found', 'the partner coop is not registered');
        const result = await handleCommand(ctx.store, {
          stream: streams.agreement(agreementId),
          decider: agreementDecider,
          command: {
            type: 'SignAgreement',
            agreementId,
            coopId: params.coopId,
            partnerCoopId: body.partnerCoopId,
            validFrom: body.validFrom,
            validUntil: body.validUntil,
            coopActive: coop?.status === 'active',
            partnerActive: partner.status === 'active',
          },
          metadata: rctx.metadata,
          upcast: asEvent,
        });
        return {
          status: 201,
          body: view((await find(agreementId))!),
          etag: result.revision!,
          location: `/api/member/v1/coops/${params.coopId}/cooperation-agreements/${agreementId}`,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/cooperation-agreements',
      operationId: 'listCooperationAgreements',
      summary: 'The cooperation agreements a coop is party to',
      request: { params: z.strictObject({ coopId: CoopId }) },
      responses: { 200: z.object({ items: z.array(memberHttp.AgreementView) }) },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      handler: async ({ params }) => {
        await caughtUp(ctx);
        const rows = stmt<[string, string], AgreementRow>(
          ctx.db,
          'SELECT * FROM agreements WHERE coop_id = ? OR partner_coop_id = ? ORDER BY valid_from, agreement_id',
        ).all(params.coopId, params.coopId);
        return { status: 200, body: { items: rows.map(view) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/cooperation-agreements/{agreementId}/termination',
      operationId: 'terminateCooperationAgreement',
      summary: 'End a cooperation agreement early',
      request: {
        params: z.strictObject({ coopId: CoopId, agreementId: AgreementId }),
        body: z.strictObject({ on: memberHttp.SignAgreementRequest.shape.validFrom }),
      },
      responses: { 200: memberHttp.AgreementView },
      policy: { roles: ['coop', 'treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      ifMatch: true,
      handler: async ({ params, body }, rctx) => {
        const { state } = await loadAggregate(
          ctx.store,
          streams.agreement(params.agreementId),
          agreementDecider,
          asEvent,
        );
        if (state.coopId !== params.coopId && state.partnerCoopId !== params.coopId) {
          throw new HttpProblem('not-found', 'no such agreement for this coop');
        }
        const result = await handleCommand(ctx.store, {
          stream: streams.agreement(params.agreementId),
          decider: agreementDecider,
          command: { type: 'TerminateAgreement', on: body.on },
          metadata: rctx.metadata,
          upcast: asEvent,
          ...(rctx.expectedRevision === undefined
            ? {}
            : { expectedRevision: rctx.expectedRevision }),
        });
        return {
          status: 200,
          body: view((await find(params.agreementId))!),
          etag: result.revision!,
        };
      },
    }),
  ];
}
