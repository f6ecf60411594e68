import type { Bundle, Consent, Resource } from '@medplum/fhirtypes';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import { conflict, invalidFields, notFound } from '../../platform/errors/index.ts';
import { exportRows, type ParticipantExporter } from '../../platform/export/index.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { ConsentService } from '../consent/index.ts';
import { buildDataExport, patientResource } from './data-export.ts';
import {
  AGE_BANDS,
  ageInYears,
  bornByNow,
  type ContactPreference,
  type EducationLevel,
  type Gender,
  isTimeZone,
  MINIMUM_AGE,
  type Municipality,
  type Profile,
  SEXES_AT_BIRTH,
  type SexAtBirth,
  suppress,
} from './model.ts';
import type { ParticipantsStore } from './store.ts';

/** The queue of erasure jobs. */
export const ERASE_QUEUE = 'participant-erase';

export interface ProfileInput {
  birthYear: number;
  birthMonth: number;
  sexAtBirth: SexAtBirth;
  gender?: Gender | null | undefined;
  postcode4: string;
  educationLevel?: EducationLevel | null | undefined;
  contactPreference: ContactPreference;
  timeZone?: string | undefined;
}

export interface ParticipantsDeps {
  store: ParticipantsStore;
  access: AccessPolicy;
  audit: Audit;
  consent: Pick<ConsentService, 'decide' | 'catalogue' | 'effectiveCounts'>;
  /** Each module's tables about a participant, for the GDPR export. */
  exporters: ParticipantExporter[];
  /** The participant's consents as FHIR Consent resources. */
  consentBundle: (actor: Actor) => Promise<Bundle<Consent>>;
  /** Other modules' FHIR resources about the person, for the export's FHIR Bundle. */
  fhirExporters: ((participantId: string) => Promise<Resource[]>)[];
  /** The durable job queue, for erasure. */
  jobs: Pick<Jobs, 'send'>;
  /** Ends every session of a person. */
  endSessions: (accountId: string) => Promise<void>;
  /** Each module's erasure of a participant's rows, run in this order; the account's tombstone last. */
  erasers: ((participantId: string) => Promise<{ table: string; removed: number }[]>)[];
  /** Accounts by e-mail or name (identity knows them). */
  findAccounts: (
    query: string,
    limit: number,
  ) => Promise<{ id: string; email: string; displayName: string }[]>;
  clock: () => Date;
  /** Counts below this are withheld (SMALL_CELL_MINIMUM). */
  smallCellMinimum: number;
}

export function createParticipantsService(deps: ParticipantsDeps) {
  const { store, access, audit, clock } = deps;

  /** Checks age and region; answers every problem at once, on its field. */
  async function eligibleMunicipality(
    input: Pick<ProfileInput, 'birthYear' | 'birthMonth' | 'postcode4' | 'timeZone'>,
  ) {
    const problems: Record<string, string> = {};
    const now = clock();
    if (!bornByNow(input.birthYear, input.birthMonth, now))
      problems.birthYear = 'This date lies in the future.';
    else if (ageInYears(input.birthYear, input.birthMonth, now) < MINIMUM_AGE) {
      problems.birthYear = `The Citizen Lab is for people of ${MINIMUM_AGE} and older.`;
    }
    const municipality = await store.municipalityOf(input.postcode4);
    if (!municipality) {
      problems.postcode4 =
        'This postcode is not in Overijssel or Gelderland, where the Citizen Lab runs now.';
    }
    if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) problems.timeZone = 'Unknown time zone.';
    if (Object.keys(problems).length > 0 || !municipality) throw invalidFields(problems);
    return municipality;
  }

  const event = (actor: Actor, action: string, details: Record<string, string>) => ({
    actorAccountId: actor.accountId,
    actorRole: actor.roles.join(',') || null,
    action,
    resourceType: 'participant',
    resourceId: actor.accountId,
    subjectParticipantId: actor.accountId,
    purpose: 'self_service',
    outcome: 'success' as const,
    requestId: actor.requestId ?? null,
    clientAddress: actor.clientAddress ?? null,
    details,
  });

  return {
    /** The municipality of a 4-digit postcode, when it lies in the region. */
    async lookupPostcode(
      pc4: string,
    ): Promise<{ pc4: string; inRegion: boolean; municipality: Municipality | null }> {
      const municipality = await store.municipalityOf(pc4);
      return { pc4, inRegion: municipality !== undefined, municipality: municipality ?? null };
    },

    municipalities: async () =>
      (await store.municipalities()).map((m) => ({
        cbsCode: m.cbs_code,
        name: m.name,
        province: m.province,
      })),

    async joinWaitList(input: { email: string; postcode4: string; locale: 'nl' | 'en' }): Promise<void> {
      await store.addToWaitList(input.email.trim().toLowerCase(), input.postcode4, input.locale);
    },

    /**
     * A signed-up citizen joins the Citizen Lab: eligibility (16+, living in the region), the profile,
     * and a decision for each purpose they chose to decide now.
     */
    async join(
      actor: Actor,
      input: ProfileInput & {
        consents: { purposeKey: string; decision: 'granted' | 'refused'; documentVersion: number }[];
      },
    ): Promise<Profile> {
      await access.require(actor, {
        action: 'participant.join',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      const municipality = await eligibleMunicipality(input);
      const catalogue = await deps.consent.catalogue();
      const stale = input.consents.findIndex(
        (c) => !catalogue.some((d) => d.purposeKey === c.purposeKey && d.version === c.documentVersion),
      );
      if (stale >= 0) {
        throw invalidFields({
          [`consents/${stale}/documentVersion`]: 'Not the document in force; read it again.',
        });
      }
      const inserted = await store.insertParticipant({
        participant_id: actor.accountId,
        birth_year: input.birthYear,
        birth_month: input.birthMonth,
        sex_at_birth: input.sexAtBirth,
        gender: input.gender ?? null,
        postcode4: input.postcode4,
        municipality_code: municipality.cbsCode,
        education_level: input.educationLevel ?? null,
        contact_preference: input.contactPreference,
        time_zone: input.timeZone ?? 'Europe/Amsterdam',
      });
      if (!inserted) throw conflict('You are a member of the Citizen Lab already.');
      for (const choice of input.consents) await deps.consent.decide(actor, choice);
      await audit.record(event(actor, 'participant.join', { municipality: municipality.cbsCode }));
      const profile = await store.profile(actor.accountId);
      if (!profile) throw notFound('The profile');
      return profile;
    },

    async profile(actor: Actor, participantId: string, reason?: string): Promise<Profile> {
      await access.require(actor, {
        action: 'participant.profile.read',
        purpose: actor.accountId === participantId ? 'self_service' : 'support',
        subject: participantId,
        ...(reason ? { details: { reason } } : {}),
      });
      const profile = await store.profile(participantId);
      if (!profile) throw notFound('The participant');
      return profile;
    },

    /** The participant corrects their profile (GDPR art. 16); the municipality follows the postcode. */
    async updateProfile(actor: Actor, patch: Partial<ProfileInput>): Promise<Profile> {
      await access.require(actor, {
        action: 'participant.profile.update',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      const current = await store.profile(actor.accountId);
      if (!current) throw notFound('The participant');
      const merged = { ...current, ...patch };
      const municipality = await eligibleMunicipality({
        birthYear: merged.birthYear,
        birthMonth: merged.birthMonth,
        postcode4: merged.postcode4,
        timeZone: merged.timeZone,
      });
      await store.updateParticipant(actor.accountId, {
        birth_year: merged.birthYear,
        birth_month: merged.birthMonth,
        sex_at_birth: merged.sexAtBirth,
        gender: merged.gender ?? null,
        postcode4: merged.postcode4,
        municipality_code: municipality.cbsCode,
        education_level: merged.educationLevel ?? null,
        contact_preference: merged.contactPreference,
        time_zone: merged.timeZone,
      });
      await audit.record(
        event(actor, 'participant.profile.update', { fields: Object.keys(patch).sort().join(',') }),
      );
      const profile = await store.profile(actor.accountId);
      if (!profile) throw notFound('The participant');
      return profile;
    },

    /**
     * The panel in numbers for programme managers and partner analysts: members by municipality, age
     * band, sex and consented purpose, and growth per month, with counts below the minimum withheld.
     */
    async overview(actor: Actor) {
      await access.require(actor, { action: 'panel.overview', purpose: 'statistics' });
      const minimum = deps.smallCellMinimum;
      const [counts, consents] = await Promise.all([
        store.memberCounts(clock()),
        deps.consent.effectiveCounts(),
      ]);
      const total = counts.bySex.reduce((sum, cell) => sum + cell.count, 0);
      const municipalities = suppress(
        counts.byMunicipality.map((m) => ({ key: m.cbsCode, count: m.count })),
        minimum,
      );
      let cumulative = 0;
      const growth = counts.byMonth.map((month) => {
        cumulative += month.count;
        return { month: month.key, joined: month.count, members: cumulative };
      });
      return {
        minimumCount: minimum,
        total: total >= minimum ? total : null,
        byMunicipality: counts.byMunicipality.map((m, index) => ({
          cbsCode: m.cbsCode,
          name: m.name,
          province: m.province,
          count: municipalities[index]?.count ?? null,
        })),
        byAgeBand: suppress(
          AGE_BANDS.map((band) => ({
            key: band,
            count: counts.byAgeBand.find((c) => c.key === band)?.count ?? 0,
          })),
          minimum,
        ),
        bySex: suppress(
          SEXES_AT_BIRTH.map((sex) => ({
            key: sex,
            count: counts.bySex.find((c) => c.key === sex)?.count ?? 0,
          })),
          minimum,
        ),
        byPurpose: suppress(
          consents.map((c) => ({ key: c.purposeKey, count: c.count })),
          minimum,
        ),
        growth: growth.map((g) => ({
          month: g.month,
          joined: g.joined >= minimum || g.joined === 0 ? g.joined : null,
          members: g.members >= minimum ? g.members : null,
        })),
      };
    },

    /**
     * Support staff find a participant to help, for example with consent on paper. Every search names
     * its reason, which the audit log keeps; the answer holds who they are, never their health data.
     */
    async find(actor: Actor, query: string, reason: string) {
      await access.require(actor, {
        action: 'participant.search',
        purpose: 'support',
        details: { query, reason },
      });
      const accounts = await deps.findAccounts(query, 50);
      const members = await store.memberships(accounts.map((a) => a.id));
      return members.flatMap((member) => {
        const account = accounts.find((a) => a.id === member.participant_id);
        return account
          ? [
              {
                participantId: member.participant_id,
                displayName: account.displayName,
                email: account.email,
                municipality: member.municipality,
                joinedAt: member.joined_at,
              },
            ]
          : [];
      });
    },

    /** "Download all my data" (GDPR art. 15 and 20): every table about the participant, as a ZIP. */
    async exportMyData(actor: Actor, locale: 'nl' | 'en'): Promise<Uint8Array> {
      await access.require(actor, {
        action: 'participant.export',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      const profile = await store.profile(actor.accountId);
      if (!profile) throw notFound('The participant');
      const tables = (await Promise.all(deps.exporters.map((exporter) => exporter(actor.accountId)))).flat();
      tables.push({
        table: 'participants',
        description: {
          nl: 'Uw profiel in het Citizen Lab: geboortejaar en -maand, geslacht, de 4 cijfers van uw postcode, gemeente, opleiding en hoe wij u mogen benaderen.',
          en: 'Your Citizen Lab profile: birth year and month, sex, the 4 digits of your postcode, municipality, education and how we may contact you.',
        },
        rows: exportRows([
          {
            participant_id: profile.participantId,
            birth_year: profile.birthYear,
            birth_month: profile.birthMonth,
            sex_at_birth: profile.sexAtBirth,
            gender: profile.gender,
            postcode4: profile.postcode4,
            municipality_code: profile.municipality.cbsCode,
            municipality: profile.municipality.name,
            education_level: profile.educationLevel,
            contact_preference: profile.contactPreference,
            time_zone: profile.timeZone,
            joined_at: profile.joinedAt,
          },
        ]),
      });
      const archive = buildDataExport({
        tables,
        patient: patientResource(profile, locale),
        consents: await deps.consentBundle(actor),
        resources: (
          await Promise.all(deps.fhirExporters.map((exporter) => exporter(actor.accountId)))
        ).flat(),
        generatedAt: clock(),
      });
      await audit.record(event(actor, 'participant.export', { files: String(tables.length * 2 + 3) }));
      return archive;
    },

    /**
     * Leaving the Citizen Lab. `stop`: every purpose is refused from now on and what was already used in
     * research stays (GDPR art. 17(3)(d)). `erase`: everything is erased by a durable job, and the person
     * is signed out everywhere at once; the account remains as a tombstone that cannot sign in.
     */
    async leave(
      actor: Actor,
      mode: 'stop' | 'erase',
    ): Promise<{ mode: 'stop' | 'erase'; jobId: string | null }> {
      await access.require(actor, {
        action: 'participant.leave',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      if (!(await store.exists(actor.accountId))) throw notFound('The participant');
      if (mode === 'stop') {
        for (const document of await deps.consent.catalogue()) {
          await deps.consent.decide(actor, {
            purposeKey: document.purposeKey,
            decision: 'refused',
            documentVersion: document.version,
          });
        }
        await store.markLeft(actor.accountId, clock());
        await audit.record(event(actor, 'participant.leave', { mode }));
        return { mode, jobId: null };
      }
      const jobId = await deps.jobs.send(
        ERASE_QUEUE,
        { participantId: actor.accountId },
        { key: actor.accountId },
      );
      await deps.endSessions(actor.accountId);
      await audit.record(event(actor, 'participant.leave', { mode, jobId: jobId ?? 'already queued' }));
      return { mode, jobId };
    },

    /** The erasure job: every module's rows of the participant, reported per table and audited. */
    async erase(participantId: string): Promise<{ removed: { table: string; removed: number }[] }> {
      const removed = [];
      for (const eraser of deps.erasers) removed.push(...(await eraser(participantId)));
      await audit.record({
        actorAccountId: null,
        actorRole: 'erasure_job',
        action: 'participant.erase',
        resourceType: 'participant',
        resourceId: participantId,
        subjectParticipantId: participantId,
        purpose: 'self_service',
        outcome: 'success',
        details: Object.fromEntries(removed.map((r) => [r.table, r.removed])),
      });
      return { removed };
    },

    exists: (participantId: string) => store.exists(participantId),
  };
}

export type ParticipantsService = ReturnType<typeof createParticipantsService>;
