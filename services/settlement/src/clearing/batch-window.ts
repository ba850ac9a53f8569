import { createHash } from 'node:crypto';
import type { BatchRef, SettlementModel } from './model';

/** Windows start at midnight Asia/Jakarta (UTC+7, no daylight saving since 1964). */
const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

export interface TimeWindow {
  start: string;
  end: string;
}

let last: { instant: string; windowMinutes: number; window: TimeWindow } | undefined;

/** The window of `windowMinutes` that holds `instant` (the last answer is kept: a group asks per leg). */
export function windowOf(instant: string, windowMinutes: number): TimeWindow {
  if (last?.instant === instant && last.windowMinutes === windowMinutes) return last.window;
  const window = computeWindow(instant, windowMinutes);
  last = { instant, windowMinutes, window };
  return window;
}

function computeWindow(instant: string, windowMinutes: number): TimeWindow {
  const length = windowMinutes * MINUTE_MS;
  const local = Date.parse(instant) + JAKARTA_OFFSET_MS;
  const startMs = Math.floor(local / length) * length - JAKARTA_OFFSET_MS;
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + length).toISOString(),
  };
}

let lastDate: { instant: string; date: string } | undefined;

/** The Asia/Jakarta business date `instant` falls on (`2026-11-27`); the last answer is kept as above. */
export function jakartaDateOf(instant: string): string {
  if (lastDate?.instant === instant) return lastDate.date;
  const date = new Date(Date.parse(instant) + JAKARTA_OFFSET_MS).toISOString().slice(0, 10);
  lastDate = { instant, date };
  return date;
}

const MODEL_LETTER: Record<SettlementModel, string> = {
  multilateral_net: 'M',
  bilateral_net: 'B',
  gross: 'G',
};

/** What decides a transfer's batch (BRIEF §6): parent, model, currency and time window. */
export const batchKeyOf = (
  ref: Pick<BatchRef, 'parentCoopId' | 'model' | 'currency' | 'windowStart'>,
): string => `${ref.parentCoopId} ${ref.model} ${ref.currency} ${ref.windowStart}`;

/**
 * `MIDR20261128T0000-1440m-3fa2b1c9`, `…-g2` for a second batch of a window closed early. The
 * window's length is part of the id: after a parent changes it, a window may start where an
 * earlier one of another length did, and its batch must not take that one's id. Ids made
 * before lengths were in them (`MIDR20261128T0000-3fa2b1c9`) never equal one made now.
 */
export function batchIdOf(
  ref: Pick<BatchRef, 'parentCoopId' | 'model' | 'currency' | 'windowStart' | 'windowEnd'>,
  generation: number,
): string {
  const local = new Date(Date.parse(ref.windowStart) + JAKARTA_OFFSET_MS).toISOString();
  const stamp = `${local.slice(0, 4)}${local.slice(5, 7)}${local.slice(8, 10)}T${local.slice(11, 13)}${local.slice(14, 16)}`;
  const lengthMinutes = (Date.parse(ref.windowEnd) - Date.parse(ref.windowStart)) / MINUTE_MS;
  const parent = createHash('sha256').update(ref.parentCoopId).digest('hex').slice(0, 8);
  const suffix = generation > 1 ? `-g${generation}` : '';
  return `${MODEL_LETTER[ref.model]}${ref.currency}${stamp}-${lengthMinutes}m-${parent}${suffix}`;
}
