import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { consentRules, createConsentChecker } from '../../modules/consent/index.ts';
import { identityRules } from '../../modules/identity/index.ts';
import { participantRules } from '../../modules/participants/index.ts';
import { questionnaireRules } from '../../modules/questionnaires/index.ts';
import { type Audit, createAudit } from '../audit/index.ts';
import { auditRules } from '../audit/routes.ts';
import { outboxRules } from '../mail/outbox-routes.ts';
import { type AccessPolicy, createAccessPolicy, type Purpose } from './policy.ts';
import { type Actor, ROLES, type Role } from './roles.ts';

const rules = {
  ...identityRules,
  ...participantRules,
  ...consentRules,
  ...questionnaireRules,
  ...auditRules,
  ...outboxRules,
};

/**
 * Who may do what to another person's data, with two factors verified. Every action of the
 * platform must appear here: a new action without a row fails the first test.
 */
const EXPECTED: Record<string, { roles: Role[]; purpose: Purpose }> = {
  'account.read': { roles: ['administrator'], purpose: 'administration' },
  // A researcher's own tokens only: nobody makes or revokes another person's.
  'api_token.manage': { roles: [], purpose: 'self_service' },
  'account.update': { roles: ['administrator'], purpose: 'administration' },
  'account.search': { roles: ['administrator'], purpose: 'administration' },
  'membership.manage': { roles: ['administrator'], purpose: 'administration' },
  'invitation.manage': { roles: ['administrator'], purpose: 'administration' },
  'organisation.manage': { roles: ['administrator'], purpose: 'administration' },
  'audit.search': { roles: ['administrator'], purpose: 'security_audit' },
  'mail.outbox.read': { roles: ['administrator'], purpose: 'administration' },
  'participant.join': { roles: [], purpose: 'self_service' },
  'participant.profile.read': { roles: ['administrator', 'data_steward'], purpose: 'support' },
  'participant.profile.update': { roles: [], purpose: 'self_service' },
  'participant.export': { roles: [], purpose: 'self_service' },
  'participant.leave': { roles: [], purpose: 'self_service' },
  'participant.search': { roles: ['administrator', 'data_steward'], purpose: 'support' },
  'panel.overview': {
    roles: ['programme_manager', 'partner_analyst', 'administrator'],
    purpose: 'statistics',
  },
  'consent.read': { roles: ['administrator', 'data_steward'], purpose: 'support' },
  'consent.record': { roles: [], purpose: 'self_service' },
  'consent.record_paper': { roles: ['administrator', 'data_steward'], purpose: 'support' },
  'consent.publish': { roles: ['administrator', 'data_steward'], purpose: 'administration' },
  'questionnaire.author': {
    roles: ['researcher', 'programme_manager', 'administrator'],
    purpose: 'administration',
  },
  'questionnaire.respond': { roles: [], purpose: 'self_service' },
  'questionnaire.read_responses': { roles: [], purpose: 'self_service' },
  'insights.compute': { roles: [], purpose: 'self_service' },
  'insights.read': { roles: [], purpose: 'self_service' },
};

let testDb: TestDatabase;
let audit: Audit;
let policy: AccessPolicy;

beforeAll(async () => {
  testDb = await createTestDatabase();
  audit = createAudit(testDb.database.db);
  policy = createAccessPolicy(
    { rules, relations: {}, consent: createConsentChecker(testDb.database.db) },
    audit,
  );
});
afterAll(() => testDb?.drop());

const actorWith = (roles: Role[], mfaVerified = true): Actor => ({
  accountId: randomUUID(),
  roles,
  mfaVerified,
  requestId: randomUUID(),
});

it('the expectation table names every action of the policy', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...policy.actions.keys()].sort());
});

describe.each(Object.entries(EXPECTED))('%s', (action, expected) => {
  it.each(ROLES)('on another person: %s is allowed only when the table says so', async (role) => {
    const decision = await policy.check(actorWith([role]), {
      action,
      purpose: expected.purpose,
      subject: randomUUID(),
    });
    expect(decision.allowed).toBe(expected.roles.includes(role));
  });

  it.each(expected.roles)('%s without two factors verified is denied for lack of them', async (role) => {
    const decision = await policy.check(actorWith([role], false), {
      action,
      purpose: expected.purpose,
      subject: randomUUID(),
    });
    expect(decision).toEqual({ allowed: false, reason: 'two-factor sign-in required for this role' });
  });
});

describe('self-service', () => {
  it.each(ROLES)(
    'a %s may read and change their own account, even before setting up two factors',
    async (role) => {
      const actor = actorWith([role], false);
      for (const action of ['account.read', 'account.update']) {
        const decision = await policy.check(actor, {
          action,
          purpose: 'self_service',
          subject: actor.accountId,
        });
        expect(decision.allowed).toBe(true);
      }
    },
  );

  it('a citizen may not read another citizen’s account', async () => {
    const decision = await policy.check(actorWith(['citizen']), {
      action: 'account.read',
      purpose: 'self_service',
      subject: randomUUID(),
    });
    expect(decision.allowed).toBe(false);
  });
});

describe('deny by default', () => {
  it('an action no module declared is denied, even for an administrator', async () => {
    const decision = await policy.check(actorWith(['administrator']), {
      action: 'participant.delete_everything',
      purpose: 'administration',
    });
    expect(decision).toMatchObject({
      allowed: false,
      reason: 'unknown action participant.delete_everything',
    });
  });

  it('a purpose that does not fit the action is denied', async () => {
    const decision = await policy.check(actorWith(['administrator']), {
      action: 'audit.search',
      purpose: 'self_service',
    });
    expect(decision.allowed).toBe(false);
  });

  it('an actor without roles is allowed nothing on anyone else', async () => {
    for (const [action, expected] of Object.entries(EXPECTED)) {
      const decision = await policy.check(actorWith([]), {
        action,
        purpose: expected.purpose,
        subject: randomUUID(),
      });
      expect(decision.allowed, action).toBe(false);
    }
  });

  it('a rule naming a relation nobody defined is refused when the policy is built', () => {
    expect(() =>
      createAccessPolicy(
        {
          rules: {
            x: {
              grants: [{ role: 'coach', relation: 'caseload' }],
              purposes: ['administration'],
              personalData: true,
              resourceType: 'x',
            },
          },
          relations: {},
        },
        audit,
      ),
    ).toThrow(/unknown relation caseload/);
  });
});

describe('relations and bulk reads', () => {
  const coachRule = {
    'care.read': {
      grants: [{ role: 'coach' as const, relation: 'caseload' }],
      purposes: ['administration' as const],
      personalData: true,
      resourceType: 'care_record',
    },
  };

  it('filter returns only the subjects in the relation, and audits each decision', async () => {
    const inCaseload: string[] = [randomUUID(), randomUUID()];
    const outside = randomUUID();
    const caseloadPolicy = createAccessPolicy(
      {
        rules: coachRule,
        relations: {
          caseload: (_actor, subjects) => new Set(subjects.filter((s) => inCaseload.includes(s))),
        },
      },
      audit,
    );
    const coach = actorWith(['coach']);
    const allowed = await caseloadPolicy.filter(coach, { action: 'care.read', purpose: 'administration' }, [
      inCaseload[0] ?? '',
      outside,
      inCaseload[1] ?? '',
    ]);
    expect(allowed).toEqual(inCaseload);
    const entries = await audit.search({ actorAccountId: coach.accountId, limit: 10 });
    expect(entries.map((e) => [e.subjectParticipantId, e.outcome]).sort()).toEqual(
      [
        [inCaseload[0], 'success'],
        [inCaseload[1], 'success'],
        [outside, 'denied'],
      ].sort(),
    );
  });

  it('require throws forbidden and writes a denied audit entry naming the subject and purpose', async () => {
    const citizen = actorWith(['citizen']);
    const subject = randomUUID();
    await expect(
      policy.require(citizen, { action: 'account.read', purpose: 'self_service', subject }),
    ).rejects.toMatchObject({ code: 'forbidden', status: 403 });
    const [entry] = await audit.search({ actorAccountId: citizen.accountId, limit: 1 });
    expect(entry).toMatchObject({
      action: 'account.read',
      outcome: 'denied',
      subjectParticipantId: subject,
      purpose: 'self_service',
      requestId: citizen.requestId,
    });
  });

  it('an administrator reading another person’s account is audited; reading their own is not', async () => {
    const admin = actorWith(['administrator']);
    const other = randomUUID();
    await policy.require(admin, { action: 'account.read', purpose: 'administration', subject: other });
    await policy.require(admin, {
      action: 'account.read',
      purpose: 'self_service',
      subject: admin.accountId,
    });
    const entries = await audit.search({ actorAccountId: admin.accountId, limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      subjectParticipantId: other,
      outcome: 'success',
      purpose: 'administration',
    });
  });
});
