import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SyncStream } from '@kopfed/sdk';

/**
 * The sync config (YAML or JSON): where to send, and how this coop's files name things.
 *
 *     coop: ksp-sejahtera
 *     url: https://kopfed.puskopdit.example
 *     members:
 *       columns: { memberNumber: "Nomor Induk", nik: ["No KTP", "NIK"] }
 *       defaults: { province: "33" }
 *     savings:
 *       products: { "Tabungan Hari Raya": THR }
 *       via: cash
 */
export interface SyncConfig {
  coop?: string;
  url?: string;
  members: StreamConfig;
  savings: StreamConfig;
  loans: StreamConfig;
}

export interface StreamConfig {
  /** Field → the header (or headers) that holds it, replacing the built-in names. */
  columns: Readonly<Record<string, string | readonly string[]>>;
  /** Product name in the file → the product code in kopfed. */
  products: Readonly<Record<string, string>>;
  /** Values for fields the file leaves out (e.g. `province`). */
  defaults: Readonly<Record<string, string>>;
  /** How money moved when the file does not say: cash, bank, … */
  via?: string;
}

const STREAMS: readonly SyncStream[] = ['members', 'savings', 'loans'];
const EMPTY: StreamConfig = { columns: {}, products: {}, defaults: {} };

export function emptyConfig(): SyncConfig {
  return { members: EMPTY, savings: EMPTY, loans: EMPTY };
}

export function loadConfig(file: string | undefined, fieldsOf: (stream: SyncStream) => readonly string[]): SyncConfig {
  if (!file) return emptyConfig();
  const text = readFileSync(file, 'utf8');
  const raw: unknown = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  return checkConfig(raw, fieldsOf, file);
}

export function checkConfig(raw: unknown, fieldsOf: (stream: SyncStream) => readonly string[], where = 'config'): SyncConfig {
  const top = record(raw, where);
  unknownKeys(top, ['coop', 'url', ...STREAMS], where);
  const config = emptyConfig();
  if (top.coop !== undefined) config.coop = text(top.coop, `${where}: coop`);
  if (top.url !== undefined) config.url = text(top.url, `${where}: url`);
  for (const stream of STREAMS) {
    if (top[stream] !== undefined) config[stream] = streamConfig(top[stream], fieldsOf(stream), `${where}: ${stream}`);
  }
  return config;
}

function streamConfig(raw: unknown, fields: readonly string[], where: string): StreamConfig {
  const section = record(raw, where);
  unknownKeys(section, ['columns', 'products', 'defaults', 'via'], where);
  const columns = section.columns === undefined ? {} : record(section.columns, `${where}.columns`);
  unknownKeys(columns, fields, `${where}.columns`);
  const headers: Record<string, string | readonly string[]> = {};
  for (const [field, value] of Object.entries(columns)) {
    headers[field] = Array.isArray(value)
      ? value.map((v, i) => text(v, `${where}.columns.${field}[${i}]`))
      : text(value, `${where}.columns.${field}`);
  }
  const config: StreamConfig = {
    columns: headers,
    products: strings(section.products, `${where}.products`),
    defaults: strings(section.defaults, `${where}.defaults`),
  };
  return section.via === undefined ? config : { ...config, via: text(section.via, `${where}.via`) };
}

function strings(raw: unknown, where: string): Record<string, string> {
  if (raw === undefined) return {};
  return Object.fromEntries(Object.entries(record(raw, where)).map(([k, v]) => [k, text(v, `${where}.${k}`)]));
}

function record(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where} must be a mapping`);
  return raw as Record<string, unknown>;
}

function text(raw: unknown, where: string): string {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error(`${where} must be text`);
  return raw;
}

function unknownKeys(section: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(section).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`${where}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
}
