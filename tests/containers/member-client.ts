import { coopBody } from '@kopfed/member/src/samples';
import { ADMIN_KEY } from './scenario';

/** Drives the member service over HTTP with the admin key, as an operator's script would. */
export class MemberClient {
  constructor(private readonly baseUrl: string) {}

  async registerCoop(coopId: string, kind: 'primary' | 'secondary', parentCoopId: string | null) {
    await this.post('/coops', coopBody(coopId, kind, parentCoopId));
    await this.post(`/coops/${coopId}/approval`, { on: '2026-01-06' }, 200);
  }

  async joinPerson(coopId: string, memberNumber: string, n: number) {
    await this.post(`/coops/${coopId}/members`, {
      kind: 'person',
      memberNumber,
      joinedOn: '2026-02-01',
      person: {
        name: `Anggota Nomor ${n}`,
        // NIK: Semarang 337402, born 0n-01-1980, male, serial n.
        nik: `3374020${n}0180${String(n).padStart(4, '0')}`,
        birthDate: `1980-01-0${n}`,
        gender: 'male',
        address: { line: `Jl. Pemuda ${n}`, province: '33' },
      },
    });
  }

  async getCoop(coopId: string): Promise<number> {
    const response = await fetch(`${this.baseUrl}/api/member/v1/coops/${coopId}`, {
      headers: { Authorization: `Bearer ${ADMIN_KEY}` },
    });
    return response.status;
  }

  private async post(path: string, body: unknown, expected = 201): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/member/v1${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== expected) {
      throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    }
  }
}
