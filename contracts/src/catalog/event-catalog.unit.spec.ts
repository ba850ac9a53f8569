import { z } from 'zod';
import { ContractError } from '../contract-error';
import { defineEvent } from './define-event';
import { EventCatalog } from './event-catalog';

const V1 = z.strictObject({ widgetId: z.string(), size: z.int() });
type V1 = z.output<typeof V1>;
const V2 = z.strictObject({ widgetId: z.string(), sizeMm: z.int() });
type V2 = z.output<typeof V2>;
const V3 = z.strictObject({ widgetId: z.string(), sizeMm: z.int().min(1), colour: z.string() });

const WidgetMade = defineEvent({
  name: 'WidgetMade',
  service: 'widgets',
  description: 'A widget was made.',
  versions: [
    { version: 1, schema: V1, example: { widgetId: 'w-1', size: 3 } },
    {
      version: 2,
      schema: V2,
      example: { widgetId: 'w-1', sizeMm: 30 },
      upcast: ({ widgetId, size }: V1) => ({ widgetId, sizeMm: size * 10 }),
    },
    {
      version: 3,
      schema: V3,
      example: { widgetId: 'w-1', sizeMm: 30, colour: 'red' },
      upcast: (v2: V2) => ({ ...v2, colour: 'grey' }),
    },
  ],
});

const WidgetScrapped = defineEvent({
  name: 'WidgetScrapped',
  service: 'scrapyard',
  description: 'A widget was scrapped.',
  versions: [
    { version: 1, schema: z.strictObject({ widgetId: z.string() }), example: { widgetId: 'w' } },
  ],
});

const catalog = new EventCatalog([WidgetMade, WidgetScrapped]);

const envelopeInput = {
  id: '0193a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f',
  subject: 'w-1',
  time: '2026-11-28T03:15:00.000Z',
  businessDate: '2026-11-28',
};

/** The code of the ContractError an action throws. */
function thrownCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ContractError ? error.code : `not a ContractError: ${String(error)}`;
  }
  return undefined;
}

describe('EventCatalog', () => {
  it('knows the latest version of each event', () => {
    expect(catalog.latest('WidgetMade').version).toBe(3);
    expect(catalog.latest('WidgetScrapped').version).toBe(1);
    expect(catalog.names).toEqual(['WidgetMade', 'WidgetScrapped']);
  });

  it('parses data against the version it claims', () => {
    expect(catalog.parse('WidgetMade', 1, { widgetId: 'w', size: 2 })).toEqual({
      widgetId: 'w',
      size: 2,
    });
    expect(thrownCode(() => catalog.parse('WidgetMade', 2, { widgetId: 'w', size: 2 }))).toBe(
      'invalid_data',
    );
  });

  it('chains the upcasters from any version to the latest', () => {
    expect(catalog.upcast('WidgetMade', 1, { widgetId: 'w', size: 2 })).toEqual({
      version: 3,
      data: { widgetId: 'w', sizeMm: 20, colour: 'grey' },
    });
    expect(catalog.upcast('WidgetMade', 3, { widgetId: 'w', sizeMm: 5, colour: 'blue' })).toEqual({
      version: 3,
      data: { widgetId: 'w', sizeMm: 5, colour: 'blue' },
    });
  });

  it('checks what each upcaster produces', () => {
    // size 0 upcasts to sizeMm 0, which v3 refuses.
    expect(() => catalog.upcast('WidgetMade', 1, { widgetId: 'w', size: 0 })).toThrow(
      /upcasting WidgetMade v2 to v3 gave invalid data/,
    );
  });

  it('refuses unknown events and versions', () => {
    const untyped = catalog as EventCatalog;
    expect(thrownCode(() => untyped.parse('WidgetSold', 1, {}))).toBe('unknown_event');
    expect(thrownCode(() => catalog.parse('WidgetMade', 4, {}))).toBe('unknown_version');
    expect(thrownCode(() => catalog.parse('WidgetMade', 0, {}))).toBe('unknown_version');
  });

  it('has one topic per producing service', () => {
    expect(catalog.topicOf('widgets')).toBe('kopfed.widgets.events');
    expect(catalog.topics).toEqual(['kopfed.widgets.events', 'kopfed.scrapyard.events']);
    expect(catalog.typeOf('WidgetMade', 2)).toBe('kopfed.widgets.WidgetMade.v2');
  });

  it('refuses two events of one name', () => {
    expect(() => new EventCatalog([WidgetMade, WidgetMade])).toThrow('defined twice');
  });

  it('publishes the latest version, its data checked', () => {
    const envelope = catalog.toEnvelope('WidgetMade', {
      ...envelopeInput,
      data: { widgetId: 'w-1', sizeMm: 30, colour: 'red' },
    });
    expect(envelope).toMatchObject({ type: 'kopfed.widgets.WidgetMade.v3', schemaversion: 3 });
    expect(
      thrownCode(() =>
        catalog.toEnvelope('WidgetMade', {
          ...envelopeInput,
          data: { widgetId: 'w-1', sizeMm: 0, colour: 'red' },
        }),
      ),
    ).toBe('invalid_data');
  });

  it('receives any published version as the latest', () => {
    const old = {
      ...catalog.toEnvelope('WidgetMade', {
        ...envelopeInput,
        data: { widgetId: 'w-1', sizeMm: 30, colour: 'red' },
      }),
      type: 'kopfed.widgets.WidgetMade.v1',
      schemaversion: 1,
      data: { widgetId: 'w-1', size: 3 },
    };
    const received = catalog.fromEnvelope(JSON.parse(JSON.stringify(old)));
    expect(received).toMatchObject({
      name: 'WidgetMade',
      version: 3,
      publishedVersion: 1,
      data: { widgetId: 'w-1', sizeMm: 30, colour: 'grey' },
    });
    if (received.name === 'WidgetMade') expect(received.data.colour).toBe('grey');
  });

  it('refuses envelopes of events it does not know', () => {
    const envelope = catalog.toEnvelope('WidgetScrapped', {
      ...envelopeInput,
      data: { widgetId: 'w' },
    });
    expect(
      thrownCode(() =>
        catalog.fromEnvelope({ ...envelope, type: 'kopfed.scrapyard.WidgetLost.v1' }),
      ),
    ).toBe('unknown_event');
    expect(
      thrownCode(() =>
        catalog.fromEnvelope({
          ...envelope,
          type: 'kopfed.scrapyard.WidgetScrapped.v2',
          schemaversion: 2,
        }),
      ),
    ).toBe('unknown_version');
    expect(
      thrownCode(() =>
        catalog.fromEnvelope({
          ...envelope,
          source: '/kopfed/widgets',
          type: 'kopfed.widgets.WidgetScrapped.v1',
        }),
      ),
    ).toBe('unknown_event');
  });
});
