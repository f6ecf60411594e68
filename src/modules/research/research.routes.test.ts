import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactory, createStaff, createTestApp, joinedCitizen, type TestApp } from '../../../test/app.ts';
import { citizenWithFortnight } from '../../../test/glucose.ts';
import { pseudonymOf } from './pseudonyms.ts';
import {
  type Client,
  decide,
  draft,
  enrol,
  ethics,
  recruitingStudy,
  type StudyBody,
} from './test-support.ts';

// A study's life on the platform, told as it goes: a researcher drafts it, records the ethics decision, a data
// steward approves it, recruitment opens, members sign its e-consent, the team sees those taking part by
// pseudonym and reads their glucose while they consent to research; withdrawing (from the study or from
// research) closes it at once; every read is decided by the one policy and audited.

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.stop());
// Each person signs in from an address of their own: this file signs in more people than one address may a minute.
const browser = clientFactory(() => app, 21);

describe('a study’s lifecycle', () => {
  it('recruits only after the ethics decision and a data steward’s approval; a draft alone can change', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const created = await pi.client.post<StudyBody>('/api/v1/research/studies', draft);
    expect(created.body).toMatchObject({
      status: 'draft',
      team: [{ accountId: pi.accountId, role: 'principal_investigator' }],
    });
    const id = created.body.id;

    // Not before the ethics decision; not by the researcher; not straight to recruiting.
    const early = await steward.client.post<StudyBody>(`/api/v1/research/studies/${id}/status`, {
      to: 'approved',
    });
    expect(early.status).toBe(409);
    expect((await pi.client.post(`/api/v1/research/studies/${id}/status`, { to: 'recruiting' })).status).toBe(
      409,
    );
    await pi.client.patch(`/api/v1/research/studies/${id}`, { ethics });
    expect((await pi.client.post(`/api/v1/research/studies/${id}/status`, { to: 'approved' })).status).toBe(
      403,
    );
    const approved = await steward.client.post<StudyBody>(`/api/v1/research/studies/${id}/status`, {
      to: 'approved',
    });
    expect(approved.body.status).toBe('approved');

    // Approved texts are frozen: what participants sign is what was approved.
    const late = await pi.client.patch(`/api/v1/research/studies/${id}`, {
      consent: { nl: 'Anders', en: 'Other' },
    });
    expect(late.status).toBe(409);
    // Only the principal investigator moves it on; another researcher does not even see it.
    const stranger = await createStaff(app, ['researcher'], browser());
    expect((await stranger.client.get(`/api/v1/research/studies/${id}`)).status).toBe(404);
    expect(
      (await stranger.client.post(`/api/v1/research/studies/${id}/status`, { to: 'recruiting' })).status,
    ).toBe(404);
    const recruiting = await pi.client.post<StudyBody>(`/api/v1/research/studies/${id}/status`, {
      to: 'recruiting',
    });
    expect(recruiting.body.status).toBe('recruiting');

    // Bad input names the field.
    const bad = await pi.client.patch<{ errors: { pointer: string }[] }>(`/api/v1/research/studies/${id}`, {
      ethics: { ...ethics, documentSha256: 'not a hash' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e) => e.pointer)).toEqual(['#/ethics/documentSha256']);
  });
});

describe('taking part', () => {
  it('a member signs the consent in force; the team sees her by pseudonym and reads her glucose while she consents to research', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const colleague = await createStaff(app, ['researcher'], browser());
    const outsider = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const study = await recruitingStudy(pi.client, steward.client);
    const added = await pi.client.post<StudyBody>(`/api/v1/research/studies/${study.id}/team`, {
      accountId: colleague.accountId,
    });
    expect(added.body.team.map((m) => m.role)).toEqual(['principal_investigator', 'researcher']);
    // The colleague's list holds the study with its whole team; a data steward's list holds every study.
    const listed = await colleague.client.get<{ studies: StudyBody[] }>('/api/v1/research/studies');
    expect(listed.body.studies.map((s) => [s.id, s.team.map((m) => m.accountId)])).toEqual([
      [study.id, [pi.accountId, colleague.accountId]],
    ]);
    const all = await steward.client.get<{ studies: StudyBody[] }>('/api/v1/research/studies');
    expect(all.body.studies.find((s) => s.id === study.id)?.team).toHaveLength(2);

    const member = await citizenWithFortnight(app);
    const signature = { consentVersion: study.consent.version, consentSha256: study.consent.sha256 };
    // Without research consent she cannot take part.
    const noConsent = await member.client.post<{ code: string }>(
      `/api/v1/me/studies/${study.id}/enrolment`,
      signature,
    );
    expect(noConsent.status).toBe(403);
    expect(noConsent.body.code).toBe('consent_required');
    await decide(member, 'research', 'granted');
    // A signature of another text is refused.
    const wrongText = await member.client.post(`/api/v1/me/studies/${study.id}/enrolment`, {
      ...signature,
      consentSha256: 'b'.repeat(64),
    });
    expect(wrongText.status).toBe(409);
    const enrolled = await member.client.post<{ myStatus: string; signedAt: string }>(
      `/api/v1/me/studies/${study.id}/enrolment`,
      signature,
    );
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.myStatus).toBe('enrolled');

    // The team sees a pseudonym, never her account id.
    const subjects = await colleague.client.get<{ subjects: { pseudonym: string; status: string }[] }>(
      `/api/v1/research/studies/${study.id}/subjects`,
    );
    expect(subjects.body.subjects).toHaveLength(1);
    const [subject] = subjects.body.subjects;
    expect(subject?.pseudonym).toMatch(/^1-[A-Z2-7]{16}$/);
    expect(JSON.stringify(subjects.body)).not.toContain(member.accountId);
    const report = (client: Client, pseudonym = subject?.pseudonym) =>
      client.get<{ available?: boolean; code?: string }>(
        `/api/v1/research/studies/${study.id}/subjects/${pseudonym}/glucose/report?days=14`,
      );
    const read = await report(colleague.client);
    expect(read.status).toBe(200);
    expect(read.body.available).toBe(true);
    // A researcher of another study does not get in, by this study's route or by her id.
    expect((await report(outsider.client)).status).toBe(404);
    expect(
      (await outsider.client.get(`/api/v1/participants/${member.accountId}/glucose/report?days=14`)).status,
    ).toBe(403);
    expect((await report(colleague.client, '1-AAAAAAAAAAAAAAAA')).status).toBe(404);

    // Withdrawing research consent removes her from the team's list and closes her data at once.
    await decide(member, 'research', 'refused');
    expect((await report(colleague.client)).status).toBe(403);
    expect(
      (await colleague.client.get<{ subjects: unknown[] }>(`/api/v1/research/studies/${study.id}/subjects`))
        .body.subjects,
    ).toEqual([]);
    await decide(member, 'research', 'granted');
    expect((await report(colleague.client)).status).toBe(200);

    // So does leaving the study.
    const left = await member.client.post<{ myStatus: string }>(`/api/v1/me/studies/${study.id}/withdrawal`);
    expect(left.body.myStatus).toBe('withdrawn');
    expect((await report(colleague.client)).status).toBe(404);
    expect(
      (await member.client.get<{ studies: { id: string; myStatus: string }[] }>('/api/v1/me/studies')).body
        .studies,
    ).toContainEqual(expect.objectContaining({ id: study.id, myStatus: 'withdrawn' }));

    // Every read of her data by the team was decided by the policy, with the research purpose, and audited.
    const entries = await app.audit.search({ participantId: member.accountId, limit: 200 });
    const reads = entries.filter(
      (e) => e.action === 'glucose.read' && e.actorAccountId === colleague.accountId,
    );
    expect(reads.map((e) => e.outcome).sort()).toEqual(['denied', 'success', 'success']);
    expect(reads.every((e) => e.purpose === 'research')).toBe(true);
  });

  it('checks the consent was understood, and enrols only once a researcher countersigns', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const created = await pi.client.post<StudyBody>('/api/v1/research/studies', draft);
    const id = created.body.id;
    const question = (nl: string, en: string, answer: number) => ({
      question: { nl, en },
      options: [
        { nl: 'Ja', en: 'Yes' },
        { nl: 'Nee', en: 'No' },
      ],
      answer,
    });
    const outOfRange = await pi.client.patch(`/api/v1/research/studies/${id}`, {
      consentQuestions: [question('Mag ik stoppen?', 'May I stop?', 2)],
    });
    expect(outOfRange.status).toBe(422);
    expect((outOfRange.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual([
      '#/consentQuestions/0/answer',
    ]);
    const questions = [
      question('Mag ik op elk moment stoppen?', 'May I stop at any time?', 0),
      question('Zien de onderzoekers mijn naam?', 'Do the researchers see my name?', 1),
    ];
    expect(
      (
        await pi.client.patch(`/api/v1/research/studies/${id}`, {
          consentQuestions: questions,
          countersign: true,
          ethics,
        })
      ).status,
    ).toBe(200);
    await steward.client.post(`/api/v1/research/studies/${id}/status`, { to: 'approved' });
    const study = (
      await pi.client.post<StudyBody>(`/api/v1/research/studies/${id}/status`, { to: 'recruiting' })
    ).body;

    const member = await joinedCitizen(app, {}, browser());
    await decide(member, 'research', 'granted');
    const mine = async () =>
      (
        await member.client.get<{
          studies: {
            id: string;
            myStatus: string | null;
            consentQuestions: object[];
            countersign: boolean;
          }[];
        }>('/api/v1/me/studies')
      ).body.studies.find((s) => s.id === id);
    // She sees the questions, never their answers.
    expect((await mine())?.consentQuestions).toEqual(questions.map(({ answer, ...rest }) => rest));
    const sign = (answers?: number[]) =>
      member.client.post(`/api/v1/me/studies/${id}/enrolment`, {
        consentVersion: study.consent.version,
        consentSha256: study.consent.sha256,
        ...(answers ? { answers } : {}),
      });
    const pointers = async (answers?: number[]) => {
      const answer = await sign(answers);
      expect(answer.status).toBe(422);
      return (answer.body.errors as { pointer: string }[]).map((e) => e.pointer);
    };
    expect(await pointers()).toEqual(['#/answers/0', '#/answers/1']);
    expect(await pointers([0, 0])).toEqual(['#/answers/1']);
    expect((await mine())?.myStatus).toBeNull();

    // Understood and signed: eligible, waiting for the countersignature; the team does not see her data yet.
    const signed = await sign([0, 1]);
    expect(signed.status).toBe(201);
    expect(signed.body.myStatus).toBe('eligible');
    const subjects = async () =>
      (await pi.client.get<{ subjects: unknown[] }>(`/api/v1/research/studies/${id}/subjects`)).body.subjects;
    expect(await subjects()).toEqual([]);
    const awaiting = await pi.client.get<{ awaiting: { pseudonym: string }[] }>(
      `/api/v1/research/studies/${id}/countersignatures`,
    );
    expect(awaiting.body.awaiting).toHaveLength(1);
    const pseudonym = awaiting.body.awaiting[0]?.pseudonym as string;
    expect(JSON.stringify(awaiting.body)).not.toContain(member.accountId);
    const countersign = (client: Client) =>
      client.post(`/api/v1/research/studies/${id}/subjects/${pseudonym}/countersignature`);
    expect((await countersign(member.client)).status).toBe(403);
    const outsider = await createStaff(app, ['researcher'], browser());
    expect((await countersign(outsider.client)).status).toBe(404);
    expect((await countersign(pi.client)).status).toBe(204);
    expect((await countersign(pi.client)).status).toBe(404);
    expect((await mine())?.myStatus).toBe('enrolled');
    expect(await subjects()).toEqual([expect.objectContaining({ pseudonym, status: 'enrolled' })]);
    const entries = await app.audit.search({ participantId: member.accountId, limit: 100 });
    expect(
      entries
        .filter((e) => e.action === 'study.countersign' && e.actorAccountId === pi.accountId)
        .map((e) => e.outcome),
    ).toContain('success');
  });

  it('enrols at most its quota, in all and per stratum; a place frees up when someone stops', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const created = await pi.client.post<StudyBody>('/api/v1/research/studies', draft);
    const id = created.body.id;
    const halfQuota = await pi.client.patch(`/api/v1/research/studies/${id}`, {
      enrolmentQuota: { total: 3, stratifyBy: 'sex' },
    });
    expect(halfQuota.status).toBe(422);
    expect((halfQuota.body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual([
      '#/enrolmentQuota/perStratum',
    ]);
    const set = await pi.client.patch<StudyBody & { enrolmentQuota: unknown }>(
      `/api/v1/research/studies/${id}`,
      {
        enrolmentQuota: { total: 3, stratifyBy: 'sex', perStratum: 2 },
        ethics,
      },
    );
    expect(set.body.enrolmentQuota).toEqual({ total: 3, stratifyBy: 'sex', perStratum: 2 });
    await steward.client.post(`/api/v1/research/studies/${id}/status`, { to: 'approved' });
    const study = (
      await pi.client.post<StudyBody>(`/api/v1/research/studies/${id}/status`, { to: 'recruiting' })
    ).body;
    const people: Awaited<ReturnType<typeof joinedCitizen>>[] = [];
    for (const sexAtBirth of ['female', 'female', 'female', 'male', 'male']) {
      const person = await joinedCitizen(app, { sexAtBirth }, browser());
      await decide(person, 'research', 'granted');
      people.push(person);
    }
    const sign = (person: (typeof people)[number]) =>
      person.client.post<{ code?: string }>(`/api/v1/me/studies/${id}/enrolment`, {
        consentVersion: study.consent.version,
        consentSha256: study.consent.sha256,
      });
    const [w1, w2, w3, m1, m2] = people as [
      (typeof people)[number],
      (typeof people)[number],
      (typeof people)[number],
      (typeof people)[number],
      (typeof people)[number],
    ];
    expect((await sign(w1)).status).toBe(201);
    expect((await sign(w2)).status).toBe(201);
    // Two women are all the women it takes; a man still finds a place.
    const third = await sign(w3);
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('quota_full');
    expect((await sign(m1)).status).toBe(201);
    // Three in all: full for anyone now.
    expect((await sign(m2)).status).toBe(409);
    // She stops: her place is free again, for a woman.
    expect((await w1.client.post(`/api/v1/me/studies/${id}/withdrawal`)).status).toBe(200);
    expect((await sign(w3)).status).toBe(201);
    expect((await sign(m2)).status).toBe(409);
  });

  it('maps the study to a FHIR R4 ResearchStudy and those taking part to ResearchSubjects, by pseudonym only', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const study = await recruitingStudy(pi.client, steward.client);
    const member = await joinedCitizen(app, {}, browser());
    await decide(member, 'research', 'granted');
    await enrol(member, study);
    const answer = await pi.client.get<Record<string, unknown>>(`/api/v1/research/studies/${study.id}/fhir`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('application/fhir+json');
    expect(answer.body).toMatchObject({
      resourceType: 'ResearchStudy',
      id: study.id,
      status: 'active',
      title: draft.title.nl,
      _title: { extension: [{ extension: [{ valueCode: 'en' }, { valueString: draft.title.en }] }] },
      description: draft.summary.nl,
      identifier: [
        { value: study.id },
        {
          value: ethics.reference,
          assigner: { display: ethics.committee },
          period: { start: ethics.decidedOn },
        },
      ],
    });
    const subjects = await pi.client.get<{
      type: string;
      total: number;
      entry: { resource: Record<string, unknown> }[];
    }>(`/api/v1/research/studies/${study.id}/fhir/subjects`);
    const listed = await pi.client.get<{ subjects: { pseudonym: string }[] }>(
      `/api/v1/research/studies/${study.id}/subjects`,
    );
    const pseudonym = listed.body.subjects[0]?.pseudonym as string;
    expect(subjects.body).toMatchObject({ type: 'searchset', total: 1 });
    expect(subjects.body.entry[0]?.resource).toMatchObject({
      resourceType: 'ResearchSubject',
      status: 'on-study',
      study: { reference: `ResearchStudy/${study.id}` },
      individual: { identifier: { value: pseudonym } },
    });
    expect(JSON.stringify(subjects.body)).not.toContain(member.accountId);
    // FHIR ids: at most 64 letters, digits, hyphens and dots.
    expect(subjects.body.entry[0]?.resource.id).toMatch(/^[A-Za-z0-9.-]{1,64}$/);
    // The same doors as the study: none for a researcher off the team, nor for the member.
    const outsider = await createStaff(app, ['researcher'], browser());
    expect((await outsider.client.get(`/api/v1/research/studies/${study.id}/fhir`)).status).toBe(404);
    expect((await member.client.get(`/api/v1/research/studies/${study.id}/fhir/subjects`)).status).toBe(403);
  });

  it('gives a participant one pseudonym per study: stable, and unrelated across studies', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const first = await recruitingStudy(pi.client, steward.client);
    const second = await recruitingStudy(pi.client, steward.client);
    const member = await joinedCitizen(app, {}, browser());
    await decide(member, 'research', 'granted');
    for (const study of [first, second]) {
      const answer = await member.client.post(`/api/v1/me/studies/${study.id}/enrolment`, {
        consentVersion: study.consent.version,
        consentSha256: study.consent.sha256,
      });
      expect(answer.status).toBe(201);
    }
    const pseudonyms = async (studyId: string) =>
      (
        await pi.client.get<{ subjects: { pseudonym: string }[] }>(
          `/api/v1/research/studies/${studyId}/subjects`,
        )
      ).body.subjects.map((s) => s.pseudonym);
    const [inFirst] = await pseudonyms(first.id);
    expect(await pseudonyms(first.id)).toEqual([inFirst]);
    const [inSecond] = await pseudonyms(second.id);
    expect(inSecond).not.toBe(inFirst);
    // The key is what links them: the same participant under two keys gives unrelated codes.
    expect(pseudonymOf('a'.repeat(43), 1, member.accountId)).not.toBe(
      pseudonymOf('b'.repeat(43), 1, member.accountId),
    );
  });

  it('is not possible in a study that does not recruit, nor for someone who is not a member', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const study = await recruitingStudy(pi.client, steward.client);
    const member = await joinedCitizen(app, {}, browser());
    await decide(member, 'research', 'granted');
    const signature = { consentVersion: study.consent.version, consentSha256: study.consent.sha256 };
    const staffMember = await createStaff(app, ['coach'], browser());
    expect(
      (await staffMember.client.post(`/api/v1/me/studies/${study.id}/enrolment`, signature)).status,
    ).toBe(403);

    await pi.client.post(`/api/v1/research/studies/${study.id}/status`, { to: 'closed' });
    expect((await member.client.post(`/api/v1/me/studies/${study.id}/enrolment`, signature)).status).toBe(
      409,
    );
    // A draft is invisible to participants.
    const hidden = await pi.client.post<StudyBody>('/api/v1/research/studies', draft);
    expect(
      (await member.client.post(`/api/v1/me/studies/${hidden.body.id}/enrolment`, signature)).status,
    ).toBe(404);
    expect(
      (await member.client.get<{ studies: { id: string }[] }>('/api/v1/me/studies')).body.studies.map(
        (s) => s.id,
      ),
    ).not.toContain(hidden.body.id);
  });
  it('completes those still taking part when the study completes; who stopped stays withdrawn', async () => {
    const pi = await createStaff(app, ['researcher'], browser());
    const steward = await createStaff(app, ['data_steward'], browser());
    const study = await recruitingStudy(pi.client, steward.client);
    const staying = await joinedCitizen(app, {}, browser());
    const leaving = await joinedCitizen(app, {}, browser());
    for (const member of [staying, leaving]) {
      await decide(member, 'research', 'granted');
      await enrol(member, study);
    }
    await leaving.client.post(`/api/v1/me/studies/${study.id}/withdrawal`);
    for (const to of ['closed', 'completed']) {
      expect((await pi.client.post(`/api/v1/research/studies/${study.id}/status`, { to })).status).toBe(200);
    }
    const subjects = await pi.client.get<{ subjects: { status: string }[] }>(
      `/api/v1/research/studies/${study.id}/subjects`,
    );
    expect(subjects.body.subjects.map((s) => s.status)).toEqual(['completed']);
    const statusOf = async (member: typeof staying) =>
      (
        await member.client.get<{ studies: { id: string; myStatus: string }[] }>('/api/v1/me/studies')
      ).body.studies.find((s) => s.id === study.id)?.myStatus;
    expect(await statusOf(staying)).toBe('completed');
    expect(await statusOf(leaving)).toBe('withdrawn');
  });
});
