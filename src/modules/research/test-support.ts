/** What the research tests share: a study drafted, approved and recruiting, and members deciding on consent. */
import { expect } from 'vitest';
import type { createStaff } from '../../../test/app.ts';

export type Client = Awaited<ReturnType<typeof createStaff>>['client'];
export interface StudyBody {
  id: string;
  status: string;
  consent: { version: number; sha256: string };
  team: { accountId: string; role: string }[];
  code?: string;
}

export const draft = {
  title: { nl: 'Glucose na de maaltijd', en: 'Glucose after meals' },
  summary: { nl: 'Hoe reageert uw glucose op eten?', en: 'How does your glucose respond to food?' },
  consent: { nl: 'Ik doe mee aan deze studie.', en: 'I take part in this study.' },
};
export const ethics = {
  committee: 'METC Oost-Nederland',
  reference: 'NL12345.091.26',
  decidedOn: '2026-10-01',
  documentSha256: 'a'.repeat(64),
};

/** A study drafted by `pi`, its ethics decision recorded, approved by `steward` and recruiting. */
export async function recruitingStudy(pi: Client, steward: Client): Promise<StudyBody> {
  const created = await pi.post<StudyBody>('/api/v1/research/studies', draft);
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await pi.patch(`/api/v1/research/studies/${id}`, { ethics })).status).toBe(200);
  expect((await steward.post(`/api/v1/research/studies/${id}/status`, { to: 'approved' })).status).toBe(200);
  const open = await pi.post<StudyBody>(`/api/v1/research/studies/${id}/status`, { to: 'recruiting' });
  expect(open.status).toBe(200);
  return open.body;
}

/** The member grants or refuses a consent purpose (document version 1) through the API. */
export async function decide(
  member: { client: Client },
  purposeKey: string,
  decision: 'granted' | 'refused',
) {
  const answer = await member.client.post('/api/v1/me/consents', {
    purposeKey,
    decision,
    documentVersion: 1,
  });
  expect(answer.status).toBe(201);
}

/** The member signs the study's current consent. */
export async function enrol(member: { client: Client }, study: StudyBody) {
  const answer = await member.client.post(`/api/v1/me/studies/${study.id}/enrolment`, {
    consentVersion: study.consent.version,
    consentSha256: study.consent.sha256,
  });
  expect(answer.status).toBe(201);
}
